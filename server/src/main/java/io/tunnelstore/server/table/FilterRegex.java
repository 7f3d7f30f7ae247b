package io.tunnelstore.server.table;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * Compiles the regular expression of a filter's value transfer rule with RE2/J, whose matching time is linear in the
 * input, so no request-supplied pattern can make a read or a conditional write run away (a backtracking engine spends
 * time exponential in the value's length on {@code (?:a|a)*?b}). Stateless.
 *
 * <p>RE2 syntax is the Perl syntax the public service documents minus the features that need backtracking:
 * backreferences, lookahead and lookbehind, possessive quantifiers and atomic groups. A pattern using one of them is
 * answered with OTSParameterInvalid saying so; any other syntax error with OTSParameterInvalid naming the problem.
 * Patterns are limited to 256 bytes, as the public service documents.
 */
final class FilterRegex {

    static final int MAX_REGEX_BYTES = 256;

    private FilterRegex() {}

    /** @throws io.tunnelstore.protocol.errors.OtsException OTSParameterInvalid for a pattern we cannot run */
    static Pattern compile(String regex) {
        int bytes = regex.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REGEX_BYTES) {
            throw TableErrors.invalid("Invalid filter regex: it is %d bytes long, the limit is %d bytes.",
                    bytes, MAX_REGEX_BYTES);
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            if (backtrackingOnly(regex)) {
                throw TableErrors.invalid("Unsupported filter regex: %s `%s` (backreferences, lookaround, possessive"
                        + " quantifiers and atomic groups are not supported; see docs/compatibility.md).",
                        e.getDescription(), e.getPattern());
            }
            throw TableErrors.invalid("Invalid filter regex: %s `%s`.", e.getDescription(), e.getPattern());
        }
    }

    /**
     * Whether a pattern RE2 rejects is valid Perl/Java syntax, i.e. uses a backtracking-only feature. Only compiles
     * (linear in the pattern's length); it never matches with the backtracking engine.
     */
    private static boolean backtrackingOnly(String regex) {
        try {
            java.util.regex.Pattern.compile(regex);
            return true;
        } catch (java.util.regex.PatternSyntaxException e) {
            return false;
        }
    }
}
