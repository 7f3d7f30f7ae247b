package io.tunnelstore.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.coordinator.CoordinatorError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The error table of docs/compatibility.md ("Errors the server returns") against the code: every row names a real
 * code with its HTTP status, every message literal the server passes to an error factory has its row, and no row
 * is left whose message the code no longer produces.
 */
class ErrorTableTest {

    private static final Path ROOT = findRoot();
    private static final String LITERAL = "\"(?:[^\"\\\\]|\\\\.)*\"";
    /** One or more string literals joined by +, followed by the end of the argument (so not a concatenation). */
    private static final String MESSAGE = "((?:" + LITERAL + "\\s*\\+\\s*)*" + LITERAL + ")\\s*[,)]";
    private static final Pattern WITH_CODE = Pattern.compile(
            "ErrorCode\\.([A-Z_]+)\\s*,\\s*(?:String\\.format\\(\\s*)?" + MESSAGE);
    private static final Pattern HELPER = Pattern.compile("\\b(invalid|invalidPk|authFailed)\\(\\s*" + MESSAGE);
    private static final Pattern REJECTION = Pattern.compile(
            "new Rejection\\(\\s*CoordinatorError\\.([A-Z_]+)\\s*,\\s*" + MESSAGE);
    private static final Pattern ROW = Pattern.compile(
            "^\\| (OTS\\w+) \\| (\\d{3}) \\| `(.*)` \\| ([^|]+) \\| ([^|]+) \\|$");

    record Row(String code, int status, String message) {}

    @Test
    void everyRowNamesARealCodeWithItsHttpStatus() {
        List<Row> rows = tableRows();
        assertThat(rows).hasSizeGreaterThan(50);
        for (Row row : rows) {
            ErrorCode code = ErrorCode.fromCode(row.code()).orElse(null);
            assertThat(code).as("code of %s", row).isNotNull();
            assertThat(row.status()).as("HTTP status of %s", row).isEqualTo(code.httpStatus());
        }
    }

    @Test
    void theTableListsExactlyTheMessagesTheCodeRaises() {
        Set<Row> inCode = messagesInCode();
        Set<Row> inTable = new LinkedHashSet<>(tableRows());
        Set<String> missing = new TreeSet<>();
        for (Row r : inCode) {
            if (!inTable.contains(r)) {
                missing.add("| " + r.code() + " | " + r.status() + " | `" + r.message().replace("|", "\\|")
                        + "` | no | … |");
            }
        }
        assertThat(missing).as("errors raised by the code but missing from docs/compatibility.md").isEmpty();
        Set<Row> stale = new LinkedHashSet<>(inTable);
        stale.removeAll(inCode);
        assertThat(stale).as("rows of docs/compatibility.md whose message the code no longer raises").isEmpty();
    }

    @Test
    void messagesTheSdkTestsAssertAreAnsweredVerbatim() {
        Set<Row> inCode = messagesInCode();
        assertThat(inCode).contains(
                new Row("OTSInvalidPK", 400, "Validate PK size fail. Input: %d, Meta: %d."),
                new Row("OTSInvalidPK", 400, "Validate PK type fail. Input: %s, Meta: %s."),
                new Row("OTSInvalidPK", 400, "Validate PK name fail. Input: %s, Meta: %s."),
                new Row("OTSAuthFailed", 403, "The AccessKeyID does not exist."),
                new Row("OTSObjectNotExist", 404, "Requested table does not exist."),
                new Row("OTSConditionCheckFail", 403, "Condition check failed."));
    }

    /** The rows of the first table of the section, in order. */
    static List<Row> tableRows() {
        List<String> lines = read(ROOT.resolve("docs/compatibility.md"));
        int start = lines.indexOf("## Errors the server returns");
        assertThat(start).as("section in docs/compatibility.md").isNotNegative();
        int i = start;
        while (!lines.get(i).startsWith("| Code | HTTP | Message |")) {
            i++;
        }
        List<Row> rows = new ArrayList<>();
        for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            Matcher m = ROW.matcher(lines.get(i));
            assertThat(m.matches()).as("table row %s", lines.get(i)).isTrue();
            String message = m.group(3);
            if (message.startsWith("` ") && message.endsWith(" `")) { // ``a message with `backticks` in it``
                message = message.substring(2, message.length() - 2);
            }
            rows.add(new Row(m.group(1), Integer.parseInt(m.group(2)), message.replace("\\|", "|")));
        }
        return rows;
    }

    /** (code, status, message) of every literal error message in the server, coordinator and protocol sources. */
    static Set<Row> messagesInCode() {
        Set<Row> rows = new LinkedHashSet<>();
        for (Path file : javaSources()) {
            String src = String.join("\n", read(file));
            Matcher m = WITH_CODE.matcher(src);
            while (m.find()) {
                ErrorCode code = ErrorCode.valueOf(m.group(1));
                rows.add(new Row(code.code(), code.httpStatus(), join(m.group(2))));
            }
            m = HELPER.matcher(src);
            while (m.find()) {
                ErrorCode code = switch (m.group(1)) {
                    case "invalid" -> ErrorCode.PARAMETER_INVALID;
                    case "invalidPk" -> ErrorCode.INVALID_PK;
                    default -> ErrorCode.AUTH_FAILED;
                };
                rows.add(new Row(code.code(), code.httpStatus(), join(m.group(2))));
            }
            m = REJECTION.matcher(src);
            while (m.find()) {
                CoordinatorError error = CoordinatorError.valueOf(m.group(1));
                rows.add(new Row(error.wireCode(), error.httpStatus(), join(m.group(2))));
            }
        }
        return rows;
    }

    /** The value of literals joined by +, with the escapes the sources use. */
    private static String join(String literals) {
        StringBuilder b = new StringBuilder();
        Matcher m = Pattern.compile(LITERAL).matcher(literals);
        while (m.find()) {
            String body = m.group().substring(1, m.group().length() - 1);
            b.append(body.replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return b.toString();
    }

    private static List<Path> javaSources() {
        List<Path> files = new ArrayList<>();
        for (String module : List.of("server", "coordinator", "protocol")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("docs/compatibility.md"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("docs/compatibility.md not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
