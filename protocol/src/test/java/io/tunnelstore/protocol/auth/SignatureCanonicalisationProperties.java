package io.tunnelstore.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.alicloud.openservices.tablestore.core.auth.DefaultCredentials;
import com.alicloud.openservices.tablestore.core.auth.V2SignatureMaker;
import com.aliyun.ots.thirdparty.org.apache.http.Header;
import com.aliyun.ots.thirdparty.org.apache.http.message.BasicHeader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The V2 canonicalisation is insensitive to name case, value padding and map order, and agrees with the SDK. */
class SignatureCanonicalisationProperties {

    @Provide
    Arbitrary<Map<String, String>> otsHeaders() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz-").ofMinLength(1).ofMaxLength(12)
                .map(s -> "x-ots-" + s)
                .filter(n -> !n.equals(OtsHeaders.SIGNATURE) && !n.equals(OtsHeaders.SIGNATURE_V4));
        Arbitrary<String> values = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(20);
        return Arbitraries.maps(names, values).ofMinSize(1).ofMaxSize(10);
    }

    @Property(tries = 200)
    void caseWhitespaceAndOrderDoNotMatter(@ForAll("otsHeaders") Map<String, String> canonical, @ForAll long seed) {
        Random rnd = new Random(seed);
        List<Map.Entry<String, String>> entries = new ArrayList<>(canonical.entrySet());
        Collections.shuffle(entries, rnd);
        Map<String, String> mangled = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : entries) {
            mangled.put(randomCase(e.getKey(), rnd), pad(rnd) + e.getValue() + pad(rnd));
        }
        mangled.put(randomCase("x-ots-signature", rnd), "sig");
        mangled.put("Content-Length", "42");

        StringBuilder expected = new StringBuilder("/GetRow\nPOST\n\n");
        new TreeMap<>(canonical).forEach((k, v) -> expected.append(k).append(':').append(v).append('\n'));

        assertThat(Signatures.v2StringToSign("GetRow", mangled)).isEqualTo(expected.toString());
    }

    @Property(tries = 100)
    void agreesWithOfficialSdk(@ForAll("otsHeaders") Map<String, String> canonical) throws Exception {
        Header[] headers = canonical.entrySet().stream()
                .map(e -> new BasicHeader(e.getKey(), " " + e.getValue() + " ")).toArray(Header[]::new);
        String theirs = new V2SignatureMaker(new DefaultCredentials("ak", "sk"))
                .getSignature("sk".getBytes(StandardCharsets.UTF_8), "BatchWriteRow", "POST", headers);
        assertThat(Signatures.signV2("sk", Signatures.v2StringToSign("BatchWriteRow", canonical))).isEqualTo(theirs);
    }

    private static String randomCase(String s, Random rnd) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(rnd.nextBoolean() ? Character.toUpperCase(c) : c);
        }
        return sb.toString();
    }

    private static String pad(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> "";
            case 1 -> " ";
            case 2 -> "\t";
            default -> "  ";
        };
    }
}
