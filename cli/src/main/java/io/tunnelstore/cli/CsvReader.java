package io.tunnelstore.cli;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records (RFC 4180): fields separated by commas, records by LF or CRLF; a field in double quotes may
 * hold commas, line breaks and doubled quotes ({@code ""} for one {@code "}). Blank lines are skipped. Not
 * thread-safe; the caller closes the reader.
 */
final class CsvReader {
    private final Reader in;
    private int lookahead = -2; // -2: nothing buffered
    private long line = 1;
    private long recordLine;

    CsvReader(Reader in) {
        this.in = in;
    }

    /** Line number (1-based) where the last record returned by {@link #next()} started. */
    long recordLine() {
        return recordLine;
    }

    /**
     * The next record's fields, or {@code null} at the end of the input.
     *
     * @throws IllegalArgumentException for a quote in the middle of an unquoted field, text after a closing
     *                                  quote, or an unterminated quoted field (with the line number)
     */
    List<String> next() throws IOException {
        int c = read();
        while (c == '\n' || c == '\r') { // blank lines
            skipLineEnd(c);
            c = read();
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        while (true) {
            if (c == '"' && field.length() == 0) {
                c = quoted(field);
            } else {
                while (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    if (c == '"') {
                        throw new IllegalArgumentException("line " + line + ": quote inside an unquoted field");
                    }
                    field.append((char) c);
                    c = read();
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (c == ',') {
                c = read();
                continue;
            }
            if (c == '\n' || c == '\r') {
                skipLineEnd(c);
            }
            return fields;
        }
    }

    /** Reads a quoted field after its opening quote; returns the character after the closing quote. */
    private int quoted(StringBuilder field) throws IOException {
        long startLine = line;
        while (true) {
            int c = read();
            if (c == -1) {
                throw new IllegalArgumentException("line " + startLine + ": quoted field is not closed");
            }
            if (c == '"') {
                int n = read();
                if (n == '"') {
                    field.append('"');
                    continue;
                }
                if (n != ',' && n != '\n' && n != '\r' && n != -1) {
                    throw new IllegalArgumentException("line " + line + ": text after a closing quote");
                }
                return n;
            }
            if (c == '\n') {
                line++;
            }
            field.append((char) c);
        }
    }

    /** Consumes a line end that started with {@code c} (LF, CR or CRLF); the next character stays unread. */
    private void skipLineEnd(int c) throws IOException {
        line++;
        if (c == '\r') {
            int n = read();
            if (n != '\n') {
                unread(n);
            }
        }
    }

    private int read() throws IOException {
        if (lookahead != -2) {
            int c = lookahead;
            lookahead = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        lookahead = c;
    }
}
