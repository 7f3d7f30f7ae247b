package io.tunnelstore.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/** A tiny parser of the Prometheus text format for assertions: samples by name and exact label set. */
final class PrometheusText {

    record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples = new ArrayList<>();

    PrometheusText(String text) {
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            double value = Double.parseDouble(line.substring(space + 1));
            int brace = series.indexOf('{');
            Map<String, String> labels = new TreeMap<>();
            String name = series;
            if (brace >= 0) {
                name = series.substring(0, brace);
                parseLabels(series.substring(brace + 1, series.lastIndexOf('}')), labels);
            }
            samples.add(new Sample(name, labels, value));
        }
    }

    private static void parseLabels(String body, Map<String, String> out) {
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            String key = body.substring(i, eq).trim();
            int start = eq + 2; // skip ="
            StringBuilder value = new StringBuilder();
            int j = start;
            while (body.charAt(j) != '"') {
                if (body.charAt(j) == '\\') {
                    j++;
                }
                value.append(body.charAt(j));
                j++;
            }
            out.put(key, value.toString());
            i = j + 1;
            if (i < body.length() && body.charAt(i) == ',') {
                i++;
            }
        }
    }

    /** The value of the sample with exactly these labels, if present. */
    OptionalDouble value(String name, String... labelPairs) {
        Map<String, String> wanted = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            wanted.put(labelPairs[i], labelPairs[i + 1]);
        }
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(wanted))
                .mapToDouble(Sample::value).findFirst();
    }

    /** Every sample of {@code name}, label sets to values. */
    Map<Map<String, String>, Double> all(String name) {
        Map<Map<String, String>, Double> out = new LinkedHashMap<>();
        samples.stream().filter(s -> s.name().equals(name)).forEach(s -> out.put(s.labels(), s.value()));
        return out;
    }
}
