package io.tunnelstore.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tunnelstore.client.Credentials;
import io.tunnelstore.protocol.auth.Signatures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fixed vectors were computed independently with {@code openssl dgst -sha1 -hmac <secret> -binary | base64}. */
class RequestSignerTest {

    private static final Instant NOW = Instant.parse("2024-01-01T08:00:00.123Z");
    private final RequestSigner signer = new RequestSigner("demo");

    @Test
    void signsTheExactHeaderSetWithAFixedVector() {
        Map<String, String> h = signer.signedHeaders("PutRow", "hello".getBytes(StandardCharsets.UTF_8),
                Credentials.of("testAccessKey", "testSecret"), NOW, "00000000-0000-0000-0000-000000000001");
        assertThat(h).containsExactlyInAnyOrderEntriesOf(Map.of(
                "x-ots-date", "2024-01-01T08:00:00.123Z",
                "x-ots-apiversion", "2015-12-31",
                "x-ots-accesskeyid", "testAccessKey",
                "x-ots-instancename", "demo",
                "x-ots-contentmd5", "XUFAKrxLKna5cZ2REBfFkg==",
                "x-ots-sdk-traceid", "00000000-0000-0000-0000-000000000001",
                "x-ots-signature", "86UHUg1HTTqTXt7SgjMHRw8Uz00="));
    }

    @Test
    void stsTokenIsSentAndSignedForTunnelActions() {
        Map<String, String> h = signer.signedHeaders("tunnel/connect", new byte[0],
                Credentials.of("STS.tmpKey", "tmpSecret", "token-xyz"), NOW, "t-1");
        assertThat(h).containsEntry("x-ots-ststoken", "token-xyz")
                .containsEntry("x-ots-contentmd5", "1B2M2Y8AsgTpgAmY7PhCfg==")
                .containsEntry("x-ots-signature", "+NJl+IlO+heThOT7ELlJtDPUcBQ=");
    }

    @Test
    void agreesWithTheProtocolModuleSignatures() {
        Credentials c = Credentials.of("ak", "some secret with spaces");
        Map<String, String> h = signer.signedHeaders("GetRange", new byte[] {1, 2, 3}, c, NOW, "trace");
        Map<String, String> unsigned = new HashMap<>(h);
        String sent = unsigned.remove("x-ots-signature");
        assertThat(sent).isEqualTo(Signatures.signV2(c.accessKeySecret(),
                Signatures.v2StringToSign("GetRange", unsigned)));
    }

    @Test
    void verifiesResponseSignaturesWithAFixedVector() {
        Map<String, String> headers = Map.of(
                "x-ots-contentmd5", "abc",
                "x-ots-contenttype", "protocol buffer",
                "x-ots-date", "2024-01-01T08:00:01.000Z",
                "x-ots-requestid", "r-1",
                "authorization", "OTS testAccessKey:7Yvzn6Ah1wbWG2429umTsrNOOW8=");
        assertThat(RequestSigner.verifyResponse("GetRow", headers, "testSecret")).isNull();
        assertThat(RequestSigner.verifyResponse("GetRow", headers, "otherSecret"))
                .startsWith("response signature mismatch");
        assertThat(RequestSigner.verifyResponse("PutRow", headers, "testSecret"))
                .startsWith("response signature mismatch");
        Map<String, String> missing = new HashMap<>(headers);
        missing.remove("authorization");
        assertThat(RequestSigner.verifyResponse("GetRow", missing, "testSecret"))
                .isEqualTo("response has no authorization header");
    }
}
