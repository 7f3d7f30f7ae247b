package io.tunnelstore.server.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tunnelstore.protocol.errors.ErrorCode;
import io.tunnelstore.protocol.errors.OtsException;
import org.junit.jupiter.api.Test;

class ObjectNamesTest {

    @Test
    void theRuleIsIdentifierCharactersUpTo255() {
        for (String ok : new String[] {"a", "_", "A_1", "_9", "x".repeat(255)}) {
            assertThat(ObjectNames.isValid(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {null, "", "1a", "a-b", "a.b", "a b", "é", "中文", "a\u0000", "a\nb", "<b>",
                "x".repeat(256)}) {
            assertThat(ObjectNames.isValid(bad)).as(String.valueOf(bad)).isFalse();
        }
    }

    @Test
    void tunnelNamesMayAlsoHaveHyphensAfterTheFirstCharacter() {
        assertThat(ObjectNames.isValidTunnelName("orders-to-search")).isTrue();
        assertThat(ObjectNames.isValidTunnelName("a-1_b")).isTrue();
        assertThat(ObjectNames.isValid("orders-to-search")).isFalse();
        for (String bad : new String[] {"-a", "1a", "a b", "a\nb", "a\u0000", "<b>", "x".repeat(256), ""}) {
            assertThat(ObjectNames.isValidTunnelName(bad)).as(bad).isFalse();
        }
    }

    @Test
    void messagesAreThePublicServices() {
        assertThatThrownBy(() -> ObjectNames.requireTableName("a-b"))
                .isInstanceOfSatisfying(OtsException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.PARAMETER_INVALID))
                .hasMessage("Invalid table name: 'a-b'.");
        assertThatThrownBy(() -> ObjectNames.requireColumnName("")).hasMessage("Invalid column name: ''.");
        assertThatThrownBy(() -> ObjectNames.requireTunnelName("t\n")).hasMessage("Invalid tunnel name: 't\n'.");
    }
}
