package io.tunnelstore.protocol.plainbuffer;

/**
 * Malformed or unsupported PlainBuffer input. The message names what was wrong and the byte offset where it
 * was found; servers map it to {@code OTSParameterInvalid}.
 */
public class PlainBufferException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public PlainBufferException(String message) {
        super(message);
    }

    public PlainBufferException(String message, Throwable cause) {
        super(message, cause);
    }
}
