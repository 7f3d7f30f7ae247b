/**
 * <b>Internal API</b> of the client: transport, signing, retries, message conversions and the tunnel session RPC
 * client used by the tunnel worker. Not for applications; may change without notice. The only sanctioned bridge
 * from the public clients into this package is {@link io.tunnelstore.client.internal.InternalAccess}.
 */
package io.tunnelstore.client.internal;
