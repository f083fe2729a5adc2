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

    @FunctionalInterface
    private interface Scenario {
        List<Result> run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.parse(args);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "Memstream bench, %s, %d cores, %d clients, %ds per measurement%n",
                LocalDate.now(), cores, config.threads(), config.seconds().toSeconds());
        // End to end first: the other scenarios leave work behind that the pipeline then catches up on.
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put("e2e", () -> new EndToEndScenario(config).run());
        scenarios.put("sink", () -> new FactSinkScenario(config).run());
        scenarios.put("search", () -> new SearchScenario(config).run());
        scenarios.put("wm", () -> new WorkingMemoryScenario(config).run());
        scenarios.put("profile", () -> new ProfileScenario(config).run());
        scenarios.put("llm", () -> new LlmEfficiencyScenario(config).run());
        scenarios.put("ingest", () -> new IngestScenario(config).run());
        scenarios.put("embed", () -> new EmbeddingModelsScenario().run());
        if (!scenarios.keySet().containsAll(config.only())) {
            throw new IllegalArgumentException("--only takes a comma-separated list of " + scenarios.keySet());
        }
        List<Result> results = new ArrayList<>();
        for (var scenario : scenarios.entrySet()) {
            if (config.only().isEmpty() || config.only().contains(scenario.getKey())) {
                results.addAll(scenario.getValue().run());
            }
        }
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
                            : r.measured().startsWith("raw") || r.measured().startsWith("ceiling") ? "(limit)" : ""));
        }
        return out.toString();
    }
}
