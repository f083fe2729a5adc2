package io.memstream.system.quality;

import io.memstream.system.quality.LabelledSet.Question;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Recall@5 and recall@10 of each search mode, over all questions and by split, kind and trait. A
 * question's recall@k is the share of its evidence turns among the first k results; a group's is
 * the mean over its questions. The facts row is separate: the share of fact questions whose fact
 * (a memory with the expected key, extracted from an evidence turn) is among the first k results.
 */
public final class RecallTable {

    public static final int[] KS = {5, 10};
    public static final String ALL = "all";
    private static final List<String> KINDS =
            List.of("single", "adjacent", "multi", "temporal", "update", "preference");
    private static final List<String> TRAITS = List.of("paraphrase", "rare", "ellipsis");

    private final List<String> modes;
    private final Map<String, Map<String, Cell>> cells = new LinkedHashMap<>(); // mode -> group -> cell
    private final Map<String, Cell> facts = new LinkedHashMap<>(); // mode -> cell
    private final TreeSet<String> splits = new TreeSet<>();

    public RecallTable(List<String> modes) {
        this.modes = List.copyOf(modes);
        for (String mode : modes) {
            cells.put(mode, new LinkedHashMap<>());
            facts.put(mode, new Cell());
        }
    }

    /** One question searched in one mode; {@code ranked} is the ids of the results, best first. */
    public void add(String mode, String split, Question question, List<String> ranked) {
        splits.add(split);
        double[] recall = new double[KS.length];
        for (int i = 0; i < KS.length; i++) {
            List<String> top = ranked.subList(0, Math.min(KS[i], ranked.size()));
            recall[i] = question.evidence().stream().filter(top::contains).count()
                    / (double) question.evidence().size();
        }
        List<String> groups = new ArrayList<>(List.of(ALL, "split " + split, "kind " + question.kind()));
        question.traits().forEach(t -> groups.add("trait " + t));
        for (String group : groups) {
            cells.get(mode).computeIfAbsent(group, g -> new Cell()).add(recall);
        }
    }

    /** A fact question searched over all the user's memories; {@code rank} is 1-based, 0 if the fact is absent. */
    public void addFact(String mode, int rank) {
        double[] hit = new double[KS.length];
        for (int i = 0; i < KS.length; i++) {
            hit[i] = rank > 0 && rank <= KS[i] ? 1 : 0;
        }
        facts.get(mode).add(hit);
    }

    public double recall(String mode, String group, int k) {
        Cell cell = cells.get(mode).get(group);
        return cell == null ? Double.NaN : cell.mean(index(k));
    }

    /** Share of fact questions whose fact was among the first k of a search in this mode. */
    public double factsInTop(String mode, int k) {
        return facts.get(mode).mean(index(k));
    }

    private List<String> groups() {
        List<String> groups = new ArrayList<>(List.of(ALL));
        splits.forEach(s -> groups.add("split " + s));
        KINDS.forEach(k -> groups.add("kind " + k));
        TRAITS.forEach(t -> groups.add("trait " + t));
        groups.removeIf(g -> !cells.get(modes.getFirst()).containsKey(g));
        return groups;
    }

    /** The table as text: one row per group, recall@5 and @10 of each mode side by side. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-18s %5s", "", ""));
        modes.forEach(m -> out.append(String.format(Locale.ROOT, "  %-13s", m)));
        out.append('\n').append(String.format(Locale.ROOT, "%-18s %5s", "questions", "n"));
        modes.forEach(m -> out.append(String.format(Locale.ROOT, "  %6s %6s", "R@5", "R@10")));
        out.append('\n');
        for (String group : groups()) {
            row(
                    out,
                    group,
                    cells.get(modes.getFirst()).get(group).count,
                    mode -> cells.get(mode).get(group));
        }
        if (facts.get(modes.getFirst()).count > 0) {
            out.append('\n');
            row(out, "facts in top k", facts.get(modes.getFirst()).count, facts::get);
        }
        return out.toString();
    }

    private void row(StringBuilder out, String label, int count, Function<String, Cell> cell) {
        out.append(String.format(Locale.ROOT, "%-18s %5d", label, count));
        for (String mode : modes) {
            Cell c = cell.apply(mode);
            out.append(String.format(Locale.ROOT, "  %6.3f %6.3f", c.mean(0), c.mean(1)));
        }
        out.append('\n');
    }

    /** The same numbers for machines: mode -> group -> {n, recall@5, recall@10}, and the facts row. */
    public Map<String, Object> json() {
        Map<String, Object> recall = new LinkedHashMap<>();
        Map<String, Object> factRows = new LinkedHashMap<>();
        for (String mode : modes) {
            Map<String, Object> byGroup = new LinkedHashMap<>();
            for (String group : groups()) {
                byGroup.put(group, cells.get(mode).get(group).json());
            }
            recall.put(mode, byGroup);
            factRows.put(mode, facts.get(mode).json());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("recall", recall);
        json.put("facts_in_top_k", factRows);
        return json;
    }

    private static int index(int k) {
        for (int i = 0; i < KS.length; i++) {
            if (KS[i] == k) {
                return i;
            }
        }
        throw new IllegalArgumentException("k is one of 5, 10");
    }

    private static final class Cell {
        private final double[] sums = new double[KS.length];
        private int count;

        void add(double[] values) {
            for (int i = 0; i < KS.length; i++) {
                sums[i] += values[i];
            }
            count++;
        }

        double mean(int i) {
            return count == 0 ? Double.NaN : sums[i] / count;
        }

        Map<String, Object> json() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("n", count);
            for (int i = 0; i < KS.length; i++) {
                json.put("recall_at_" + KS[i], Math.round(mean(i) * 1000) / 1000.0);
            }
            return json;
        }
    }
}
