package io.tunnelstore.client;

import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tunnelstore.protocol.auth.ContentMd5;
import io.tunnelstore.protocol.auth.OtsDates;
import io.tunnelstore.protocol.auth.OtsHeaders;
import io.tunnelstore.protocol.auth.Signatures;
import io.tunnelstore.protocol.pb.TableProtos;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OTS server for client tests (JDK {@link HttpServer} on 127.0.0.1:0). It checks every request's
 * V2 signature and content MD5 with the protocol module's {@link Signatures} (a bad one gets 403
 * OTSAuthFailed, as the real server does), records the request, and answers with the next scripted
 * {@link Reply}. Success replies carry the response headers of PROTOCOL.md §3.1 and a valid
 * {@code authorization} signature unless scripted otherwise.
 */
public final class MockOtsServer implements AutoCloseable {

    /** A request as the server saw it. */
    public record Recorded(String action, Map<String, String> headers, byte[] body, boolean signatureValid) {
        public String accessKeyId() {
            return headers.get(OtsHeaders.ACCESS_KEY_ID);
        }
    }

    /** What to answer. */
    public record Reply(int status, byte[] body, boolean signResponse, boolean dropConnection, CountDownLatch hold) {
        public static Reply ok(Message message) {
            return new Reply(200, message.toByteArray(), true, false, null);
        }

        /** A success reply whose authorization header is signed with the wrong key. */
        public static Reply okBadSignature(Message message) {
            return new Reply(200, message.toByteArray(), false, false, null);
        }

        public static Reply error(int status, String code, String message) {
            return new Reply(status, TableProtos.Error.newBuilder().setCode(code).setMessage(message).build()
                    .toByteArray(), true, false, null);
        }

        /** Closes the connection without answering. */
        public static Reply disconnect() {
            return new Reply(0, new byte[0], false, true, null);
        }

        /** Waits for {@code latch} (released by {@link MockOtsServer#close()} at the latest), then answers. */
        public static Reply holdThen(CountDownLatch latch, Message message) {
            return new Reply(200, message.toByteArray(), true, false, latch);
        }
    }

    private final Map<String, String> secrets;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mock-ots-server");
        t.setDaemon(true);
        return t;
    });
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<CountDownLatch> holds = new CopyOnWriteArrayList<>();
    private final AtomicInteger requestIds = new AtomicInteger();

    /** @param secrets access key id → secret of every key the server accepts */
    public MockOtsServer(Map<String, String> secrets) throws IOException {
        this.secrets = Map.copyOf(secrets);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues replies, answered in order. */
    public synchronized MockOtsServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    private synchronized Reply nextReply() {
        return script.poll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String action = exchange.getRequestURI().getPath().replaceFirst("^/+", "");
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(v.size() - 1)));
            byte[] body = exchange.getRequestBody().readAllBytes();
            String secret = secrets.get(headers.get(OtsHeaders.ACCESS_KEY_ID));
            boolean valid = secret != null
                    && ContentMd5.base64(body).equals(headers.get(OtsHeaders.CONTENT_MD5))
                    && Signatures.signV2(secret, Signatures.v2StringToSign(action, headers))
                            .equals(headers.get(OtsHeaders.SIGNATURE));
            requests.add(new Recorded(action, Map.copyOf(headers), body, valid));
            Reply reply = valid ? nextReply()
                    : Reply.error(403, "OTSAuthFailed", "Signature mismatch.");
            if (reply == null) {
                reply = Reply.error(500, "OTSInternalServerError", "no scripted reply for " + action);
            }
            if (reply.hold() != null) {
                holds.add(reply.hold());
                reply.hold().await(30, TimeUnit.SECONDS);
            }
            if (reply.dropConnection()) {
                return; // closing the exchange without a response drops the connection
            }
            Map<String, String> out = new LinkedHashMap<>();
            out.put(OtsHeaders.CONTENT_MD5, ContentMd5.base64(reply.body()));
            out.put(OtsHeaders.CONTENT_TYPE, OtsHeaders.CONTENT_TYPE_PROTOBUF);
            out.put(OtsHeaders.DATE, OtsDates.format(Instant.now()));
            out.put(OtsHeaders.REQUEST_ID, "req-" + requestIds.incrementAndGet());
            String signingSecret = reply.signResponse() && secret != null ? secret : "wrong-secret";
            out.put(OtsHeaders.AUTHORIZATION, Signatures.responseAuthorization(
                    headers.getOrDefault(OtsHeaders.ACCESS_KEY_ID, "none"), signingSecret, action, out));
            out.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(reply.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        holds.forEach(CountDownLatch::countDown);
        server.stop(0);
        pool.shutdownNow();
    }
}
