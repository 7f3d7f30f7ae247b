package io.tunnelstore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TableNamesTest {

    /** The documented rule, as the regex the character-by-character check replaced. */
    private static final Pattern RULE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

    @Test
    void acceptsExactlyTheNamesOfTheDocumentedRule() {
        List<String> names = List.of("t", "_", "T_1", "_9", "abc_XYZ_019", "a".repeat(255), "a".repeat(256), "",
                "1t", "9", "t-1", "t.1", "t 1", "té", "t\n", "\nt", "t$", "Ω", "t_" + "9".repeat(253),
                "_" + "Z".repeat(254), "`", "{", "@", "[", "/", ":");
        for (String name : names) {
            boolean expected = RULE.matcher(name).matches();
            if (expected) {
                assertThat(TableNames.validate(name)).as(name).isEqualTo(name);
            } else {
                assertThatThrownBy(() -> TableNames.validate(name)).as(name)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("invalid table name '" + name
                                + "': expected 1-255 characters [A-Za-z_][A-Za-z0-9_]*");
            }
        }
        assertThat(RULE.matcher("a".repeat(255)).matches()).isTrue();
        assertThat(RULE.matcher("a".repeat(256)).matches()).isFalse();
        assertThatThrownBy(() -> TableNames.validate(null)).isInstanceOf(NullPointerException.class);
    }
}
