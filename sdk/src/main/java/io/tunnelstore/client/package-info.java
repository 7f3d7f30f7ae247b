/**
 * The public client API of Tunnelstore: {@link io.tunnelstore.client.TableClient} (tables and rows),
 * {@link io.tunnelstore.client.TunnelClient} (tunnel management), their shared
 * {@link io.tunnelstore.client.ClientConfig}, credentials providers and the error model
 * ({@link io.tunnelstore.client.TablestoreException}).
 *
 * <p>Conventions: clients are thread-safe and meant to be shared; value types are immutable records;
 * parameters and return values are non-null unless documented otherwise; sync methods throw unchecked
 * {@link io.tunnelstore.client.TablestoreException}s and their {@code …Async} twins complete exceptionally with
 * the same exceptions. Rows use the protocol module's value model ({@code io.tunnelstore.protocol.model}).
 * Everything in {@code io.tunnelstore.client.internal} is internal and may change without notice.
 */
package io.tunnelstore.client;
