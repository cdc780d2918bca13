package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints a JMH JSON result file as one line per benchmark and parameter set: the mean from average-time mode and
 * the median, p99 and p99.9 from sample-time mode, side by side. Usage: {@code ResultTable results.json}.
 */
public final class ResultTable {

    private ResultTable() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ResultTable <jmh-results.json>");
            System.exit(2);
        }
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JsonNode r : results) {
            String name = r.path("benchmark").asText().replaceFirst("^io\\.switchboard\\.bench\\.", "");
            String key = name + " " + params(r.path("params")) + " t=" + r.path("threads").asInt();
            Row row = rows.computeIfAbsent(key, k -> new Row(name, params(r.path("params")), r.path("threads").asInt()));
            JsonNode metric = r.path("primaryMetric");
            String unit = metric.path("scoreUnit").asText();
            switch (r.path("mode").asText()) {
                case "avgt" -> {
                    row.mean = metric.path("score").asDouble();
                    row.error = metric.path("scoreError").asDouble(Double.NaN);
                    row.unit = unit;
                }
                case "sample" -> {
                    JsonNode p = metric.path("scorePercentiles");
                    row.p50 = p.path("50.0").asDouble(Double.NaN);
                    row.p99 = p.path("99.0").asDouble(Double.NaN);
                    row.p999 = p.path("99.9").asDouble(Double.NaN);
                    if (row.unit == null) {
                        row.unit = unit;
                    }
                }
                default -> { }
            }
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"Benchmark", "Params", "Thr", "Mean", "±Err", "p50", "p99", "p99.9", "Unit"});
        for (Row row : rows.values()) {
            lines.add(new String[] {row.name, row.params, Integer.toString(row.threads), num(row.mean), num(row.error),
                    num(row.p50), num(row.p99), num(row.p999), row.unit == null ? "" : row.unit});
        }
        print(lines);
    }

    private static String params(JsonNode params) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = params.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sb.append(sb.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue().asText());
        }
        return sb.toString();
    }

    private static String num(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 1 ? "%.2f" : "%.3f", value);
    }

    private static void print(List<String[]> lines) {
        int[] widths = new int[lines.get(0).length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (String[] line : lines) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                // text columns left-aligned, numbers right-aligned
                boolean left = i < 2 || i == line.length - 1;
                String cell = line[i];
                String pad = " ".repeat(widths[i] - cell.length());
                sb.append(left ? cell + pad : pad + cell).append(i == line.length - 1 ? "" : "  ");
            }
            System.out.println(sb.toString().stripTrailing());
        }
    }

    private static final class Row {
        final String name;
        final String params;
        final int threads;
        double mean = Double.NaN;
        double error = Double.NaN;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double p999 = Double.NaN;
        String unit;

        Row(String name, String params, int threads) {
            this.name = name;
            this.params = params;
            this.threads = threads;
        }
    }
}
