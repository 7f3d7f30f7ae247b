package io.tunnelstore.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.alicloud.openservices.tablestore.ClientException;
import com.alicloud.openservices.tablestore.core.auth.DefaultCredentials;
import com.alicloud.openservices.tablestore.core.auth.V2SignatureMaker;
import com.alicloud.openservices.tablestore.core.auth.V4Credentials;
import com.alicloud.openservices.tablestore.core.auth.V4SignatureMaker;
import com.alicloud.openservices.tablestore.core.http.OTSUri;
import com.alicloud.openservices.tablestore.core.http.OTSValidationResponseHandler;
import com.alicloud.openservices.tablestore.core.http.ResponseMessage;
import com.alicloud.openservices.tablestore.core.utils.Pair;
import com.aliyun.ots.thirdparty.org.apache.http.Header;
import com.aliyun.ots.thirdparty.org.apache.http.HttpVersion;
import com.aliyun.ots.thirdparty.org.apache.http.message.BasicHeader;
import com.aliyun.ots.thirdparty.org.apache.http.message.BasicHttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private static Map<String, String> v2Headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ots-instancename", "inst");
        h.put("x-ots-date", "2024-01-01T08:00:00.123Z");
        h.put("x-ots-apiversion", "2015-12-31");
        h.put("x-ots-accesskeyid", "ak1");
        h.put("x-ots-contentmd5", "1B2M2Y8AsgTpgAmY7PhCfg==");
        return h;
    }

    @Test
    void v2StringToSignAndSignatureMatchIndependentComputation() {
        String sts = Signatures.v2StringToSign("PutRow", v2Headers());
        assertThat(sts).isEqualTo("/PutRow\nPOST\n\n"
                + "x-ots-accesskeyid:ak1\nx-ots-apiversion:2015-12-31\nx-ots-contentmd5:1B2M2Y8AsgTpgAmY7PhCfg==\n"
                + "x-ots-date:2024-01-01T08:00:00.123Z\nx-ots-instancename:inst\n");
        // expected value computed with Python hmac/hashlib/base64
        assertThat(Signatures.signV2("secret1", sts)).isEqualTo("lOAj0Uufkdz8KJdT7KtmfPP/25k=");
    }

    @Test
    void v2IgnoresSignatureHeadersAndNonOtsHeadersAndCanonicalisesGoStyleNames() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-Ots-Instancename", " inst ");
        h.put("X-Ots-Date", "2024-01-01T08:00:00.123Z");
        h.put("x-ots-apiversion", "2015-12-31\t");
        h.put("X-OTS-ACCESSKEYID", "ak1");
        h.put("x-ots-contentmd5", "1B2M2Y8AsgTpgAmY7PhCfg==");
        h.put("x-ots-signature", "whatever");
        h.put("X-Ots-SignatureV4", "whatever");
        h.put("Content-Length", "0");
        h.put("User-Agent", "aliyun-tablestore-sdk-golang/4.0.2");
        assertThat(Signatures.v2StringToSign("//PutRow", h)).isEqualTo(Signatures.v2StringToSign("PutRow", v2Headers()));
    }

    @Test
    void duplicateHeaderNamesWithDifferentValuesAreRejected() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ots-date", "a");
        h.put("X-Ots-Date", "b");
        assertThatThrownBy(() -> Signatures.v2StringToSign("PutRow", h))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x-ots-date");
    }

    @Test
    void v2MatchesOfficialSdkSignatureMaker() throws Exception {
        Map<String, String> h = v2Headers();
        h.put("x-ots-sdk-traceid", "a1b2");
        h.put("x-ots-trace-threshold", "500");
        Header[] headers = h.entrySet().stream().map(e -> new BasicHeader(e.getKey(), e.getValue())).toArray(Header[]::new);
        String theirs = new V2SignatureMaker(new DefaultCredentials("ak1", "secret1"))
                .getSignature("secret1".getBytes(StandardCharsets.UTF_8), "tunnel/readrecords", "POST", headers);
        assertThat(Signatures.signV2("secret1", Signatures.v2StringToSign("tunnel/readrecords", h))).isEqualTo(theirs);
    }

    @Test
    void v4SigningKeyAndSignatureMatchIndependentComputation() {
        String key = Signatures.v4SigningKey("secret1", "20240101", "cn-hangzhou");
        assertThat(key).isEqualTo("HtlBHJ0q7ZhmIrxaRoSmRuVPtTDe5rsTCkx+LjTk/B4=");
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ots-signregion", "cn-hangzhou");
        h.put("x-ots-signdate", "20240101");
        h.put("x-ots-accesskeyid", "ak1");
        String sts = Signatures.v4StringToSign("GetRow", h);
        assertThat(sts).isEqualTo("/GetRow\nPOST\n\nx-ots-accesskeyid:ak1\nx-ots-signdate:20240101\nx-ots-signregion:cn-hangzhou\nots");
        assertThat(Signatures.signV4(key, sts)).isEqualTo("IaSxTBp8Px4rdosa2ildRfxWq6KzlG5IBUvJJhCqSQM=");
    }

    @Test
    void v4MatchesOfficialSdk() throws Exception {
        V4Credentials creds = V4Credentials.createByServiceCredentials(new DefaultCredentials("ak1", "secret1"), "cn-shanghai");
        Pair<String, String> keyAndDate = creds.getKeyDatePair();
        String key = Signatures.v4SigningKey("secret1", keyAndDate.getSecond(), "cn-shanghai");
        assertThat(key).isEqualTo(keyAndDate.getFirst());

        Map<String, String> h = v2Headers();
        h.put("x-ots-signdate", keyAndDate.getSecond());
        h.put("x-ots-signregion", "cn-shanghai");
        Header[] headers = h.entrySet().stream().map(e -> new BasicHeader(e.getKey(), e.getValue())).toArray(Header[]::new);
        String theirs = new V4SignatureMaker(creds)
                .getSignature(key.getBytes(StandardCharsets.UTF_8), "GetRange", "POST", headers);
        assertThat(Signatures.signV4(key, Signatures.v4StringToSign("GetRange", h))).isEqualTo(theirs);
    }

    private static Map<String, String> responseHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ots-requestid", "rid-1");
        h.put("x-ots-date", "2024-01-01T08:00:00.123Z");
        h.put("x-ots-contenttype", "protocol buffer");
        h.put("x-ots-contentmd5", "abc==");
        h.put("Content-Length", "12");
        return h;
    }

    @Test
    void responseAuthorizationMatchesIndependentComputation() {
        assertThat(Signatures.responseStringToSign("GetRow", responseHeaders())).isEqualTo(
                "x-ots-contentmd5:abc==\nx-ots-contenttype:protocol buffer\nx-ots-date:2024-01-01T08:00:00.123Z\n"
                        + "x-ots-requestid:rid-1\n/GetRow");
        assertThat(Signatures.responseAuthorization("ak1", "secret1", "GetRow", responseHeaders()))
                .isEqualTo("OTS ak1:zAsDE8FZgSnFD42c6vVBsbiMk7U=");
    }

    private static ResponseMessage sdkResponse(Map<String, String> headers) {
        BasicHttpResponse r = new BasicHttpResponse(HttpVersion.HTTP_1_1, 200, "OK");
        headers.forEach(r::addHeader);
        return new ResponseMessage(r);
    }

    @Test
    void officialSdkAcceptsOurResponseAuthorization() {
        Map<String, String> h = responseHeaders();
        h.put("Authorization", Signatures.responseAuthorization("ak1", "secret1", "GetRow", h));
        OTSValidationResponseHandler handler = new OTSValidationResponseHandler(
                new DefaultCredentials("ak1", "secret1"), new OTSUri("http://127.0.0.1:8080", "GetRow"));
        assertThatCode(() -> handler.handle(sdkResponse(h))).doesNotThrowAnyException();

        // and rejects a signature computed for another action (proves the check is live)
        Map<String, String> wrong = responseHeaders();
        wrong.put("Authorization", Signatures.responseAuthorization("ak1", "secret1", "PutRow", wrong));
        assertThatThrownBy(() -> handler.handle(sdkResponse(wrong))).isInstanceOf(ClientException.class);
    }

    @Test
    void constantTimeEquals() {
        assertThat(Signatures.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(Signatures.constantTimeEquals("abc", "abd")).isFalse();
        assertThat(Signatures.constantTimeEquals("abc", "abcd")).isFalse();
        assertThat(Signatures.constantTimeEquals(null, "abc")).isFalse();
        assertThat(Signatures.constantTimeEquals("abc", null)).isFalse();
    }

    @Test
    void emptySecretIsAValidHmacKey() {
        // HMAC-SHA1 with an empty key of "" (computed with Python hmac)
        assertThat(Signatures.signV2("", "")).isEqualTo("+9sdGxiqbAgyS31ktx+3Y3BpDh0=");
    }

    /**
     * The Macs and the MD5 digest are kept per thread and reused: interleaving algorithms, keys and digests on one
     * thread, and running on many threads at once, must still give the known values every time.
     */
    @Test
    void reusedPerThreadMacsAndDigestsKeepGivingTheKnownValues() throws Exception {
        String v2Sts = Signatures.v2StringToSign("PutRow", v2Headers());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        assertThat(Signatures.signV2("secret1", v2Sts)).isEqualTo("lOAj0Uufkdz8KJdT7KtmfPP/25k=");
                        assertThat(Signatures.v4SigningKey("secret1", "20240101", "cn-hangzhou"))
                                .isEqualTo("HtlBHJ0q7ZhmIrxaRoSmRuVPtTDe5rsTCkx+LjTk/B4=");
                        assertThat(Signatures.signV2("", "")).isEqualTo("+9sdGxiqbAgyS31ktx+3Y3BpDh0=");
                        assertThat(ContentMd5.base64("hello".getBytes(StandardCharsets.UTF_8)))
                                .isEqualTo("XUFAKrxLKna5cZ2REBfFkg==");
                        assertThat(ContentMd5.base64(new byte[0])).isEqualTo("1B2M2Y8AsgTpgAmY7PhCfg==");
                    }
                }));
            }
            for (java.util.concurrent.Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void contentMd5() {
        assertThat(ContentMd5.base64(new byte[0])).isEqualTo("1B2M2Y8AsgTpgAmY7PhCfg==");
        assertThat(ContentMd5.base64("hello".getBytes(StandardCharsets.UTF_8))).isEqualTo("XUFAKrxLKna5cZ2REBfFkg==");
    }

    @Test
    void otsDates() {
        Instant t = Instant.parse("2024-01-01T08:00:00.123Z");
        assertThat(OtsDates.format(t)).isEqualTo("2024-01-01T08:00:00.123Z");
        assertThat(OtsDates.format(Instant.parse("2024-01-01T08:00:00Z"))).isEqualTo("2024-01-01T08:00:00.000Z");
        assertThat(OtsDates.parseLenient("2024-01-01T08:00:00.123Z")).isEqualTo(Instant.parse("2024-01-01T08:00:00Z"));
        // Go's broken layout and the public service's microseconds
        assertThat(OtsDates.parseLenient("2024-09-13T10:59:07.91310Z")).isEqualTo(Instant.parse("2024-09-13T10:59:07Z"));
        assertThat(OtsDates.parseLenient("2020-09-09T08:37:11.680616Z")).isEqualTo(Instant.parse("2020-09-09T08:37:11Z"));
        assertThat(OtsDates.signDate(t)).isEqualTo("20240101");
        assertThatThrownBy(() -> OtsDates.parseLenient("2024-01-01")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OtsDates.parseLenient("2024-13-01T08:00:00Z")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OtsDates.parseLenient(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
