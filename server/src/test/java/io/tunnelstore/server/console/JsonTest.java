package io.tunnelstore.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesValuesObjectsAndArrays() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n\t</script>\u0001");
        m.put("n", 42);
        m.put("l", -7L);
        m.put("d", 0.5);
        m.put("nan", Double.NaN);
        m.put("b", true);
        m.put("null", null);
        m.put("some", OptionalLong.of(3));
        m.put("none", OptionalLong.empty());
        m.put("od", OptionalDouble.of(1.5));
        m.put("list", List.of(1, "x", List.of()));
        m.put("empty", Map.of());
        assertThat(Json.write(m)).isEqualTo("{\"s\":\"a\\\"b\\\\c\\n\\t\\u003c/script>\\u0001\",\"n\":42,\"l\":-7,"
                + "\"d\":0.5,\"nan\":null,\"b\":true,\"null\":null,\"some\":3,\"none\":null,\"od\":1.5,"
                + "\"list\":[1,\"x\",[]],\"empty\":{}}");
    }

    @Test
    void refusesUnknownTypes() {
        assertThatThrownBy(() -> Json.write(Arrays.asList(new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }
}
