package io.tunnelstore.protocol.errors;

import io.tunnelstore.protocol.pb.TableProtos;
import java.util.Objects;

/**
 * A protocol-level failure that is answered with an OTS error body: the {@link ErrorCode} decides the HTTP
 * status and the code string, the message is sent as {@code Error.message}.
 */
public class OtsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;
    /** Detail for the server log only (never sent: the message stays exactly the public service's). */
    private final String logDetail;

    public OtsException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.logDetail = null;
    }

    private OtsException(OtsException original, String logDetail) {
        super(original.getMessage(), original.getCause());
        this.errorCode = original.errorCode;
        this.logDetail = logDetail;
        setStackTrace(original.getStackTrace());
    }

    public OtsException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
        this.logDetail = null;
    }

    /**
     * This error with a detail for the server log (which table, which column…): the server logs it with the request
     * id, the client gets only the code and the message, as the public service answers them.
     */
    public OtsException withLogDetail(String detail) {
        return new OtsException(this, detail);
    }

    /** The detail for the server log, or null. */
    public String logDetail() {
        return logDetail;
    }

    /** {@code new OtsException(code, String.format(fmt, args))}. */
    public static OtsException of(ErrorCode errorCode, String fmt, Object... args) {
        return new OtsException(errorCode, args.length == 0 ? fmt : String.format(fmt, args));
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return errorCode.httpStatus();
    }

    /**
     * The error body for the wire: {@code code} and {@code message} always set (Go dereferences the message),
     * field 3 never set (PROTOCOL.md §3.3). Used for table and tunnel errors alike.
     */
    public TableProtos.Error toErrorMessage() {
        String message = getMessage();
        return TableProtos.Error.newBuilder()
                .setCode(errorCode.code())
                .setMessage(message == null ? "" : message)
                .build();
    }

    @Override
    public String toString() {
        return errorCode.code() + ": " + getMessage();
    }
}
