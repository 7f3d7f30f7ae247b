package io.tunnelstore.cli;

import io.tunnelstore.client.BatchWriteResult;
import io.tunnelstore.client.RowPutChange;
import io.tunnelstore.client.TableClient;
import io.tunnelstore.protocol.model.PrimaryKey;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code tunnelstore table load NAME FILE}: bulk load from CSV (header row) or JSON lines, in BatchWriteRow
 * requests of at most 200 rows, with progress on stderr. Rows the server rejects are counted and the first few
 * shown; the exit code is then 1.
 */
@Command(name = "load", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Bulk-load rows from a CSV file (first line: header) or a JSON-lines file ('-' reads stdin).",
                "CSV cells use the typed syntax of 'table put --column' (int:42, double:1.5, …; plain text is a",
                "string) unless --types declares a column's type; empty cells are left out. JSON lines are objects",
                "as 'table scan --output json' prints them. Rows are written in batches of up to 200 and replace",
                "rows with the same key. Progress goes to stderr: a bar on a terminal, periodic lines otherwise."})
final class TableLoadCommand extends ClientCommand {

    /** Input formats. */
    enum Format {
        CSV, JSONL;

        static Format ofFile(String file) {
            String lower = file.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".csv")) {
                return CSV;
            }
            if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json")) {
                return JSONL;
            }
            return null;
        }
    }

    /** Progress display choices. */
    enum ProgressChoice { AUTO, BAR, LINES, NONE }

    @Parameters(index = "0", paramLabel = "TABLE", description = "Table name.")
    String table;

    @Parameters(index = "1", paramLabel = "FILE", description = "Input file, or '-' for standard input.")
    String file;

    @Option(names = "--format", paramLabel = "csv|jsonl", converter = FormatConverter.class,
            description = "Input format (default: from the file extension: .csv, .jsonl/.ndjson/.json).")
    Format format;

    @Option(names = "--pk", split = ",", paramLabel = "FIELD",
            description = "Input fields holding the primary key, in the table's key order (default: the table's "
                    + "primary key column names).")
    List<String> keyFields;

    @Option(names = "--types", split = ",", paramLabel = "NAME:TYPE",
            description = "CSV column types (int, double, bool, str, bin), e.g. price:double,qty:int.")
    List<String> types = new ArrayList<>();

    @Option(names = "--batch-size", defaultValue = "200", paramLabel = "N",
            description = "Rows per BatchWriteRow request, 1-200 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|lines|none",
            converter = ProgressConverter.class,
            description = "Progress on stderr (default: ${DEFAULT-VALUE}: a bar on a terminal, lines otherwise).")
    ProgressChoice progressChoice;

    @Option(names = "--progress-interval", defaultValue = "PT2S", paramLabel = "DURATION",
            description = "Time between progress lines, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration progressInterval;

    /** Rejected rows shown on stderr before the rest are only counted. */
    static final int SHOWN_FAILURES = 10;

    @Override
    int run() throws IOException {
        if (batchSize < 1 || batchSize > TableClient.MAX_BATCH_WRITE_ROWS) {
            throw usage("--batch-size must be 1-" + TableClient.MAX_BATCH_WRITE_ROWS + ", got " + batchSize);
        }
        Format fmt = format != null ? format : Format.ofFile(file);
        if (fmt == null) {
            throw usage("cannot tell the format of '" + file + "' from its name; pass --format csv or --format jsonl");
        }
        Map<String, Values.Kind> declared = declaredTypes();
        if (fmt == Format.JSONL && !declared.isEmpty()) {
            throw usage("--types applies to CSV input; JSON values carry their types");
        }
        long totalBytes = -1;
        if (!file.equals("-")) {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                throw usage("no such file: " + file);
            }
            totalBytes = Files.size(path);
        }
        try (TableClient client = TableClient.create(clientConfig());
             CountingInputStream counted = new CountingInputStream(
                     file.equals("-") ? System.in : Files.newInputStream(Path.of(file)));
             BufferedReader reader = new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8))) {
            TableSchema schema = TableSchema.of(client, table);
            List<String> fields = keyFields != null ? keyFields : schema.keyNames();
            LoadInput input;
            try {
                input = fmt == Format.CSV
                        ? new LoadInput.Csv(file, reader, schema.primaryKey(), fields, declared)
                        : new LoadInput.JsonLines(file, reader, schema.primaryKey(), fields);
            } catch (IllegalArgumentException e) {
                throw usage(e.getMessage());
            }
            LoadProgress progress = new LoadProgress(err(), progressMode(), totalBytes, System::nanoTime,
                    progressInterval);
            long started = System.nanoTime();
            Loader loader = new Loader(client);
            try {
                LoadInput.Item item;
                while ((item = input.next()) != null) {
                    loader.add(item);
                    progress.update(counted.count(), loader.written + loader.pending.size());
                }
                loader.flush();
            } catch (RuntimeException e) {
                progress.finish(counted.count(), loader.written);
                err().printf("%s: stopped after %d rows written to %s%n", spec.qualifiedName(), loader.written,
                        table);
                err().flush();
                throw e;
            }
            progress.finish(counted.count(), loader.written);
            double seconds = (System.nanoTime() - started) / 1e9;
            report(loader, seconds);
            return loader.failed == 0 ? 0 : 1;
        }
    }

    private void report(Loader loader, double seconds) {
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("table", table);
            m.put("rows", loader.written);
            m.put("failed", loader.failed);
            m.put("seconds", Math.round(seconds * 1000) / 1000.0);
            printJson(m);
        } else {
            out().printf(Locale.ROOT, "loaded %d rows into %s in %.1f s (%d rows/s)%s%n", loader.written, table,
                    seconds, seconds > 0 ? Math.round(loader.written / seconds) : 0,
                    loader.failed > 0 ? ", " + loader.failed + " rows failed" : "");
            out().flush();
        }
    }

    private LoadProgress.Mode progressMode() {
        return switch (progressChoice) {
            case AUTO -> Terminal.isInteractive() ? LoadProgress.Mode.BAR : LoadProgress.Mode.LINES;
            case BAR -> LoadProgress.Mode.BAR;
            case LINES -> LoadProgress.Mode.LINES;
            case NONE -> LoadProgress.Mode.NONE;
        };
    }

    private Map<String, Values.Kind> declaredTypes() {
        Map<String, Values.Kind> out = new LinkedHashMap<>();
        for (String t : types) {
            int colon = t.indexOf(':');
            if (colon <= 0) {
                throw usage("bad --types entry '" + t + "': expected NAME:TYPE");
            }
            try {
                out.put(t.substring(0, colon), Values.Kind.parse(t.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw usage("bad --types entry '" + t + "': " + e.getMessage());
            }
        }
        return out;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * Batches rows into BatchWriteRow requests. A key already in the pending batch flushes it first, because one
     * request may not write the same row twice (and the later line must win).
     */
    private final class Loader {
        final TableClient client;
        final List<RowPutChange> pending = new ArrayList<>();
        final List<Long> pendingLines = new ArrayList<>();
        final Set<PrimaryKey> pendingKeys = new HashSet<>();
        long written;
        long failed;

        Loader(TableClient client) {
            this.client = client;
        }

        void add(LoadInput.Item item) {
            if (pendingKeys.contains(item.key())) {
                flush();
            }
            pending.add(RowPutChange.of(table, item.key(), item.cells()));
            pendingLines.add(item.line());
            pendingKeys.add(item.key());
            if (pending.size() >= batchSize) {
                flush();
            }
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            BatchWriteResult result = client.batchWriteRow(pending);
            for (BatchWriteResult.RowResult r : result.results()) {
                if (r.succeeded()) {
                    written++;
                    continue;
                }
                failed++;
                if (failed <= SHOWN_FAILURES) {
                    err().printf("%s: %s:%d: row %s rejected: %s (code %s)%n", spec.qualifiedName(), file,
                            pendingLines.get(r.index()), TablePutCommand.keyText(pending.get(r.index()).primaryKey()),
                            r.errorMessage(), r.errorCode());
                    err().flush();
                }
            }
            pending.clear();
            pendingLines.clear();
            pendingKeys.clear();
        }
    }

    /** Counts the bytes read through it (the progress position). */
    static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            if (in != System.in) {
                super.close();
            }
        }
    }

    static final class FormatConverter implements ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "csv" -> Format.CSV;
                case "jsonl", "ndjson", "json" -> Format.JSONL;
                default -> throw new TypeConversionException("expected csv or jsonl, got '" + value + "'");
            };
        }
    }

    static final class ProgressConverter implements ITypeConverter<ProgressChoice> {
        @Override
        public ProgressChoice convert(String value) {
            try {
                return ProgressChoice.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected auto, bar, lines or none, got '" + value + "'");
            }
        }
    }
}
