package io.tunnelstore.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A human-readable table: a header row and data rows, each column padded to its widest cell and separated by
 * two spaces; the last column is not padded (no trailing blanks). Line breaks and tabs inside cells are shown
 * as {@code \n} and {@code \t} so that one row stays one line. Not thread-safe.
 */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    /** Adds a row; missing trailing cells are blank, {@code null} cells are blank. */
    TextTable add(List<String> cells) {
        if (cells.size() > header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
        }
        List<String> row = new ArrayList<>(header.size());
        for (int i = 0; i < header.size(); i++) {
            row.add(i < cells.size() ? clean(cells.get(i)) : "");
        }
        rows.add(row);
        return this;
    }

    int size() {
        return rows.size();
    }

    /** The table, one {@code \n}-terminated line per row, header first. */
    String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).codePointCount(0, row.get(i).length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths);
        for (List<String> row : rows) {
            line(sb, row, widths);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(cell);
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cell.codePointCount(0, cell.length()) + 2));
            }
        }
        // Trailing blank cells would leave trailing spaces.
        int end = line.length();
        while (end > 0 && line.charAt(end - 1) == ' ') {
            end--;
        }
        sb.append(line, 0, end).append('\n');
    }

    private static String clean(String cell) {
        return Objects.requireNonNullElse(cell, "").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\t", "\\t");
    }
}
