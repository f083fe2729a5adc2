package io.memstream.bench;

import io.memstream.common.json.Json;
import java.nio.file.Files;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs every scenario, prints one table, and writes the same figures as JSON. */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.parse(args);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "Memstream bench, %s, %d cores, %d clients, %ds per measurement%n",
                LocalDate.now(), cores, config.threads(), config.seconds().toSeconds());
        // End to end first: the ingest scenario floods the pipeline with a backlog that would slow it.
        List<Result> results = new ArrayList<>(new EndToEndScenario(config).run());
        results.addAll(new FactSinkScenario(config).run());
        results.addAll(new WorkingMemoryScenario(config).run());
        results.addAll(new IngestScenario(config).run());
        System.out.print(table(results));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", LocalDate.now().toString());
        report.put("cores", cores);
        report.put("clients", config.threads());
        report.put("seconds_per_measurement", config.seconds().toSeconds());
        report.put("results", results);
        Files.createDirectories(config.out().toAbsolutePath().getParent());
        Files.writeString(
                config.out(), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.out.println("written to " + config.out());
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder();
        String row = "| %-9s | %-40s | %12s | %9s | %9s | %6s | %-34s |%n";
        out.append(String.format(
                Locale.ROOT, row, "scenario", "measured", "rate", "p50 ms", "p99 ms", "errors", "ratio to"));
        out.append(String.format(Locale.ROOT, row, "---", "---", "---", "---", "---", "---", "---"));
        for (Result r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    row,
                    r.scenario(),
                    r.measured(),
                    Double.isNaN(r.perSecond()) ? "" : String.format(Locale.ROOT, "%.0f %s", r.perSecond(), r.unit()),
                    Double.isNaN(r.p50Millis()) ? "" : String.format(Locale.ROOT, "%.2f", r.p50Millis()),
                    Double.isNaN(r.p99Millis()) ? "" : String.format(Locale.ROOT, "%.2f", r.p99Millis()),
                    r.errors(),
                    r.against() != null
                            ? String.format(Locale.ROOT, "%.2f x %s", r.ratio(), r.against())
                            : r.measured().startsWith("raw") ? "(raw limit)" : ""));
        }
        return out.toString();
    }
}
