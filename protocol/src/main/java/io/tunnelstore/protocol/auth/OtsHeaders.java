package io.tunnelstore.protocol.auth;

/** Header names (lowercase, as signed) and fixed header values of the OTS protocol (PROTOCOL.md §2, §3). */
public final class OtsHeaders {
    /** Every signed header starts with this prefix. */
    public static final String PREFIX = "x-ots-";

    public static final String DATE = "x-ots-date";
    public static final String API_VERSION = "x-ots-apiversion";
    public static final String ACCESS_KEY_ID = "x-ots-accesskeyid";
    public static final String INSTANCE_NAME = "x-ots-instancename";
    public static final String CONTENT_MD5 = "x-ots-contentmd5";
    public static final String SIGNATURE = "x-ots-signature";
    public static final String SIGNATURE_V4 = "x-ots-signaturev4";
    public static final String SIGN_DATE = "x-ots-signdate";
    public static final String SIGN_REGION = "x-ots-signregion";
    public static final String STS_TOKEN = "x-ots-ststoken";
    public static final String SDK_TRACE_ID = "x-ots-sdk-traceid";
    public static final String TRACE_ID = "x-ots-trace-id";
    public static final String TRACE_THRESHOLD = "x-ots-trace-threshold";
    public static final String REQUEST_PRIORITY = "x-ots-request-priority";
    public static final String REQUEST_TAG = "x-ots-request-tag";
    public static final String REQUEST_SEARCH_TAG = "x-ots-request-search-tag";
    public static final String REQUEST_COMPRESS_TYPE = "x-ots-request-compress-type";
    public static final String REQUEST_COMPRESS_SIZE = "x-ots-request-compress-size";
    public static final String RESPONSE_COMPRESS_TYPE = "x-ots-response-compress-type";
    public static final String RESPONSE_COMPRESS_SIZE = "x-ots-response-compress-size";

    /** Response: request id (required by the Java SDK on every response, errors included). */
    public static final String REQUEST_ID = "x-ots-requestid";
    /** Response: content type marker (required by the Java table client). */
    public static final String CONTENT_TYPE = "x-ots-contenttype";
    /** Response: {@code OTS <accessKeyId>:<signature>}. */
    public static final String AUTHORIZATION = "authorization";

    /** {@code x-ots-apiversion} sent by the Java SDK and the Go table client. */
    public static final String API_VERSION_TABLE = "2015-12-31";
    /** {@code x-ots-apiversion} sent by the Go tunnel client. */
    public static final String API_VERSION_TUNNEL = "2018-04-01";
    /** Value of {@link #CONTENT_TYPE} sent by the public service. */
    public static final String CONTENT_TYPE_PROTOBUF = "protocol buffer";
    /** Value of the compress-type headers. */
    public static final String COMPRESS_DEFLATE = "deflate";

    private OtsHeaders() {
    }
}
