package io.tunnelstore.tunnel.internal;

import io.tunnelstore.client.ClientTransportException;

/**
 * A tunnel RPC that got no usable answer: connection refused or reset, timeout, or a response that could not be
 * decoded. Never fatal; {@link #wireCode()} is {@code OTSClientError}.
 */
public final class TunnelTransportException extends TunnelRpcException {
    private static final long serialVersionUID = 1L;

    public TunnelTransportException(String message, Throwable cause) {
        super(null, ClientTransportException.CODE, message, cause);
    }
}
