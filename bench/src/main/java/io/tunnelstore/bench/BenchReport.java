package io.tunnelstore.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one harness run measured: measurements (each optionally with the baseline measured in the same run and the
 * ratio), completeness checks (expected vs actual counts), and facts about the machine. Rendered as a text table and as
 * JSON with the same content. Thread-safe (scenarios may add from worker callbacks).
 */
final class BenchReport {

    /**
     * One number. {@code baselineName}/{@code baseline} are null when the measurement has no baseline; the ratio is
     * value / baseline (for rates: higher is better for us; for times: lower is better for us).
     */
    record Measurement(String scenario, String subject, String metric, double value, String unit,
            String baselineName, Double baseline) {
        Double ratio() {
            return baseline == null || baseline == 0 ? null : value / baseline;
        }
    }

    /** A completeness check: the harness ran and nothing was lost. Passed when {@code actual == expected}. */
    record Check(String scenario, String what, long expected, long actual) {
        boolean passed() {
            return expected == actual;
        }
    }

    private final Map<String, String> machine = new LinkedHashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    synchronized void machine(String key, String value) {
        machine.put(key, value);
    }

    synchronized void add(String scenario, String subject, String metric, double value, String unit) {
        measurements.add(new Measurement(scenario, subject, metric, value, unit, null, null));
    }

    synchronized void add(String scenario, String subject, String metric, double value, String unit,
            String baselineName, double baseline) {
        measurements.add(new Measurement(scenario, subject, metric, value, unit, baselineName, baseline));
    }

    synchronized void check(String scenario, String what, long expected, long actual) {
        checks.add(new Check(scenario, what, expected, actual));
    }

    /** A scenario that failed to run to the end (the run goes on with the next scenario). */
    synchronized void error(String scenario, Throwable t) {
        errors.add(scenario + ": " + t);
    }

    synchronized List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    synchronized List<Check> checks() {
        return List.copyOf(checks);
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    synchronized Map<String, String> machine() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(machine));
    }

    /** The values of {@code metric} in {@code scenario}, in the order measured. */
    synchronized List<Measurement> find(String scenario, String metric) {
        return measurements.stream().filter(m -> m.scenario().equals(scenario) && m.metric().equals(metric)).toList();
    }

    synchronized String toTable() {
        StringBuilder sb = new StringBuilder();
        machine.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        sb.append('\n');
        String fmt = "| %-10s | %-44s | %-26s | %14s | %-8s | %-24s | %14s | %7s |%n";
        sb.append(String.format(Locale.ROOT, fmt, "scenario", "subject", "metric", "value", "unit", "baseline",
                "baseline value", "ratio"));
        sb.append(String.format(Locale.ROOT, fmt, "---", "---", "---", "---", "---", "---", "---", "---"));
        for (Measurement m : measurements) {
            sb.append(String.format(Locale.ROOT, fmt, m.scenario(), m.subject(), m.metric(), num(m.value()), m.unit(),
                    m.baselineName() == null ? "" : m.baselineName(),
                    m.baseline() == null ? "" : num(m.baseline()),
                    m.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", m.ratio())));
        }
        sb.append('\n');
        for (Check c : checks) {
            sb.append(String.format(Locale.ROOT, "check %-10s %-60s expected %d actual %d %s%n", c.scenario(),
                    c.what(), c.expected(), c.actual(), c.passed() ? "ok" : "FAILED"));
        }
        for (String e : errors) {
            sb.append("error ").append(e).append('\n');
        }
        return sb.toString();
    }

    synchronized String toJson() {
        StringBuilder sb = new StringBuilder("{\n  \"machine\": {");
        int i = 0;
        for (Map.Entry<String, String> e : machine.entrySet()) {
            sb.append(i++ == 0 ? "\n" : ",\n").append("    ").append(str(e.getKey())).append(": ")
                    .append(str(e.getValue()));
        }
        sb.append("\n  },\n  \"measurements\": [");
        i = 0;
        for (Measurement m : measurements) {
            sb.append(i++ == 0 ? "\n" : ",\n").append("    {\"scenario\": ").append(str(m.scenario()))
                    .append(", \"subject\": ").append(str(m.subject()))
                    .append(", \"metric\": ").append(str(m.metric()))
                    .append(", \"value\": ").append(jsonNum(m.value()))
                    .append(", \"unit\": ").append(str(m.unit()));
            if (m.baseline() != null) {
                sb.append(", \"baseline\": ").append(str(m.baselineName()))
                        .append(", \"baselineValue\": ").append(jsonNum(m.baseline()));
                if (m.ratio() != null) {
                    sb.append(", \"ratio\": ").append(jsonNum(m.ratio()));
                }
            }
            sb.append('}');
        }
        sb.append("\n  ],\n  \"checks\": [");
        i = 0;
        for (Check c : checks) {
            sb.append(i++ == 0 ? "\n" : ",\n").append("    {\"scenario\": ").append(str(c.scenario()))
                    .append(", \"what\": ").append(str(c.what()))
                    .append(", \"expected\": ").append(c.expected())
                    .append(", \"actual\": ").append(c.actual())
                    .append(", \"passed\": ").append(c.passed()).append('}');
        }
        sb.append("\n  ],\n  \"errors\": [");
        i = 0;
        for (String e : errors) {
            sb.append(i++ == 0 ? "\n    " : ",\n    ").append(str(e));
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String jsonNum(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
