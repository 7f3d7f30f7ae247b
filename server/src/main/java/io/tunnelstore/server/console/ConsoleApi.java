package io.tunnelstore.server.console;

import io.tunnelstore.protocol.pb.TableProtos.DefinedColumnSchema;
import io.tunnelstore.protocol.pb.TableProtos.PrimaryKeySchema;
import io.tunnelstore.server.http.HttpRouteRequest;
import io.tunnelstore.server.http.HttpRouteResponse;
import io.tunnelstore.server.http.Principal;
import io.tunnelstore.server.metrics.ChannelStatusView;
import io.tunnelstore.server.metrics.ClientStatusView;
import io.tunnelstore.server.metrics.TunnelStatus;
import io.tunnelstore.server.metrics.TunnelStatusReader;
import io.tunnelstore.server.table.TableCatalog;
import io.tunnelstore.server.table.TableDescriptor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's JSON API under {@code /console/api/}. Every endpoint but {@code POST login} needs a session cookie
 * ({@value #COOKIE}) or HTTP Basic credentials ({@code accessKeyId:accessKeySecret}); without one it answers
 * {@code 401 {"error": ...}}. An instance the caller's key is not valid in answers 404, as if it did not exist.
 *
 * <pre>
 * POST /console/api/login          form: accessKeyId, accessKeySecret[, securityToken] → session + cookie
 * POST /console/api/logout
 * GET  /console/api/session        who is logged in, instances, session expiry
 * GET  /console/api/instances      instances with table, tunnel and client counts
 * GET  /console/api/instances/{i}/tables
 * GET  /console/api/instances/{i}/tunnels[?table=name]
 * GET  /console/api/instances/{i}/tunnels/{tunnelId}           tunnel with its channels
 * GET  /console/api/instances/{i}/tunnels/{tunnelId}/history   sampled consumption, writes and lag
 * GET  /console/api/instances/{i}/clients
 * GET  /console/api/instances/{i}/tunnels/{tunnelId}/checkpoints          channel checkpoints, audit trail, canManage
 * GET  /console/api/instances/{i}/tunnels/{tunnelId}/checkpoints/export   {"json": the checkpoint export}
 * POST /console/api/instances/{i}/tunnels/{tunnelId}/checkpoints/{set|rewind|reset|fork|import}
 *                                  form: dryRun=true|false and the action's fields ({@link ConsoleCheckpoints})
 * </pre>
 *
 * <p>Checkpoint reads and changes run as the logged-in key through the tunnel service's own actions, so its
 * permissions apply (a key without {@code MANAGE_TUNNELS} on the table gets 403 and the page offers no actions).
 * POSTs must come from the console's own origin (CSRF defence, {@link #sameOrigin}).
 *
 * <p>Thread-safe; handlers run on server worker threads and may block on the tunnel service.
 */
final class ConsoleApi {

    private static final Logger log = LoggerFactory.getLogger(ConsoleApi.class);

    /** Name of the session cookie. */
    static final String COOKIE = "tunnelstore_console";
    static final String PREFIX = "/console/api/";

    private final ConsoleAuthenticator authenticator;
    private final ConsoleSessions sessions;
    private final TunnelStatusReader reader;
    private final TableCatalog catalog;
    private final ConsoleHistory history;
    private final Clock clock;
    private final long sampleIntervalMillis;
    private final LoginThrottle throttle;
    private final boolean secureCookies;
    private final ConsoleCheckpoints checkpoints;

    /** @param secureCookie whether the session cookie carries {@code Secure} (the server speaks TLS) */
    ConsoleApi(ConsoleAuthenticator authenticator, ConsoleSessions sessions, TunnelStatusReader reader,
               TableCatalog catalog, ConsoleHistory history, Clock clock, long sampleIntervalMillis,
               LoginThrottle throttle, boolean secureCookies, ConsoleCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.throttle = throttle;
        this.secureCookies = secureCookies;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.reader = reader;
        this.catalog = catalog;
        this.history = history;
        this.clock = clock;
        this.sampleIntervalMillis = sampleIntervalMillis;
    }

    // ---------------------------------------------------------------- POST

    HttpRouteResponse post(HttpRouteRequest request) {
        String path = request.path();
        if (!sameOrigin(request)) {
            log.info("Console {} refused: cross-origin request (Origin {}, Host {})", path,
                    request.headers().get("origin"), request.headers().get("host"));
            return error(403, "Cross-origin request refused.");
        }
        if (path.equals(PREFIX + "login")) {
            return login(request);
        }
        if (path.equals(PREFIX + "logout")) {
            sessionId(request).ifPresent(sessions::remove);
            return json(200, Map.of("loggedOut", true), Map.of("set-cookie", cookie("", 0)));
        }
        if (path.startsWith(PREFIX + "instances/")) {
            return changeCheckpoints(request);
        }
        return error(404, "No such console endpoint: POST " + path);
    }

    /** {@code POST instances/{i}/tunnels/{tunnelId}/checkpoints/{action}}: a checkpoint change or its dry run. */
    private HttpRouteResponse changeCheckpoints(HttpRouteRequest request) {
        long now = clock.millis();
        Optional<Caller> caller = caller(request, now);
        if (caller.isEmpty()) {
            return error(401, "Log in first (session cookie or HTTP Basic access key id and secret).");
        }
        List<String> segments = segments(request.path().substring(PREFIX.length()));
        if (segments.size() != 6 || !segments.get(2).equals("tunnels") || !segments.get(4).equals("checkpoints")
                || !ConsoleCheckpoints.CHANGE_ACTIONS.contains(segments.get(5))) {
            return error(404, "No such console endpoint: POST " + request.path());
        }
        String instance = segments.get(1);
        Principal principal = caller.get().principal(instance);
        if (principal == null) {
            return error(404, "No such instance: " + instance);
        }
        Optional<TunnelStatus> t = reader.tunnel(instance, principal, segments.get(3), now);
        if (t.isEmpty()) {
            return error(404, "No such tunnel: " + segments.get(3));
        }
        Map<String, String> form = parseForm(new String(request.body(), StandardCharsets.UTF_8));
        try {
            Map<String, Object> result = checkpoints.change(instance, principal, t.get().tableName(),
                    t.get().tunnelName(), segments.get(5), form);
            if (!Boolean.TRUE.equals(result.get("dryRun"))) {
                log.info("Console checkpoint {} on tunnel {}/{} by access key id {}", segments.get(5),
                        t.get().tableName(), t.get().tunnelName(), principal.accessKeyId());
            }
            return json(200, result);
        } catch (ConsoleCheckpoints.Refused e) {
            return refused(e);
        }
    }

    private static HttpRouteResponse refused(ConsoleCheckpoints.Refused e) {
        return json(e.status, obj("error", e.getMessage(), "code", e.code));
    }

    private HttpRouteResponse login(HttpRouteRequest request) {
        Map<String, String> form = parseForm(new String(request.body(), StandardCharsets.UTF_8));
        long now = clock.millis();
        String keyId = form.getOrDefault("accessKeyId", "");
        Optional<HttpRouteResponse> throttled = throttled(keyId, request.remoteAddress());
        if (throttled.isPresent()) {
            return throttled.get();
        }
        Optional<ConsoleIdentity> identity = authenticator.authenticate(form.get("accessKeyId"),
                form.get("accessKeySecret"), form.get("securityToken"), now);
        if (identity.isEmpty()) {
            throttle.failed(keyId, request.remoteAddress());
            log.info("Console login refused for access key id {} from {}", keyId, request.remoteAddress());
            return error(401, "The access key id or secret is wrong (or valid in no instance of this server).");
        }
        throttle.succeeded(keyId, request.remoteAddress());
        String id = sessions.create(identity.get(), now);
        ConsoleSessions.Session session = sessions.use(id, now).orElseThrow();
        long maxAgeSeconds = Math.max(1, (sessions.expiresAtMillis(session) - now) / 1000);
        log.info("Console login for access key id {} ({})", identity.get().accessKeyId(),
                identity.get().principals().keySet());
        return json(200, sessionJson(identity.get(), new ArrayList<>(identity.get().principals().keySet()),
                sessions.expiresAtMillis(session)), Map.of("set-cookie", cookie(id, maxAgeSeconds)));
    }

    private String cookie(String value, long maxAgeSeconds) {
        return COOKIE + "=" + value + "; Path=/console; HttpOnly; SameSite=Strict; Max-Age=" + maxAgeSeconds
                + (secureCookies ? "; Secure" : "");
    }

    /**
     * CSRF defence for state-changing requests: a browser names the page's origin in {@code Origin} (or at least
     * says {@code Sec-Fetch-Site: cross-site}); it must be this server ({@code http(s)://<Host>}). Clients that send
     * neither header (curl, scripts) are not browsers a third-party page can drive, and pass.
     */
    static boolean sameOrigin(HttpRouteRequest request) {
        String origin = request.headers().get("origin");
        if (origin == null) {
            return !"cross-site".equalsIgnoreCase(request.headers().getOrDefault("sec-fetch-site", ""));
        }
        String host = request.headers().get("host");
        if (host == null || host.isBlank()) {
            return false;
        }
        String o = origin.strip().toLowerCase(java.util.Locale.ROOT);
        String h = host.strip().toLowerCase(java.util.Locale.ROOT);
        return o.equals("http://" + h) || o.equals("https://" + h);
    }

    /** 429 with {@code Retry-After} (whole seconds, rounded up) while logins of this key or address are throttled. */
    private Optional<HttpRouteResponse> throttled(String accessKeyId, String address) {
        java.util.OptionalLong wait = throttle.retryAfterMillis(accessKeyId, address);
        if (wait.isEmpty()) {
            return Optional.empty();
        }
        long seconds = (wait.getAsLong() + 999) / 1000;
        log.info("Console login for access key id {} from {} throttled for {} s", accessKeyId, address, seconds);
        return Optional.of(json(429, Map.of("error", "Too many failed logins; retry in " + seconds + " s."),
                Map.of("retry-after", Long.toString(seconds))));
    }

    // ---------------------------------------------------------------- GET

    HttpRouteResponse get(HttpRouteRequest request) {
        long now = clock.millis();
        Optional<String[]> basic = basicCredentials(request);
        if (basic.isPresent()) { // checked even with a cookie: a bogus cookie must not bypass the throttle
            Optional<HttpRouteResponse> throttled = throttled(basic.get()[0], request.remoteAddress());
            if (throttled.isPresent()) {
                return throttled.get();
            }
        }
        Optional<Caller> caller = caller(request, now);
        if (caller.isEmpty()) {
            return error(401, "Log in first (session cookie or HTTP Basic access key id and secret).");
        }
        List<String> segments = segments(request.path().substring(PREFIX.length()));
        Map<String, String> query = parseForm(request.query());
        Caller c = caller.get();
        if (segments.equals(List.of("session"))) {
            return json(200, sessionJson(c.identity, c.instances, c.expiresAtMillis));
        }
        if (segments.equals(List.of("instances"))) {
            return json(200, Map.of("instances", instances(c, now)));
        }
        if (segments.size() >= 3 && segments.get(0).equals("instances")) {
            String instance = segments.get(1);
            Principal principal = c.principal(instance);
            if (principal == null) {
                return error(404, "No such instance: " + instance);
            }
            String view = segments.get(2);
            if (segments.size() == 3 && view.equals("tables")) {
                return json(200, obj("instance", instance, "tables", tables(instance, principal, now)));
            }
            if (segments.size() == 3 && view.equals("tunnels")) {
                String table = query.get("table");
                List<Object> out = new ArrayList<>();
                for (TunnelStatus t : reader.tunnels(instance, principal, now)) {
                    if (table == null || table.equals(t.tableName())) {
                        out.add(tunnelSummary(t));
                    }
                }
                return json(200, obj("instance", instance, "tunnels", out));
            }
            if (segments.size() == 3 && view.equals("clients")) {
                return json(200, obj("instance", instance,
                        "clients", clients(reader.tunnels(instance, principal, now))));
            }
            if ((segments.size() == 4 || segments.size() == 5) && view.equals("tunnels")) {
                Optional<TunnelStatus> t = reader.tunnel(instance, principal, segments.get(3), now);
                if (t.isEmpty()) {
                    return error(404, "No such tunnel: " + segments.get(3));
                }
                if (segments.size() == 4) {
                    return json(200, tunnelDetail(t.get()));
                }
                if (segments.get(4).equals("history")) {
                    return json(200, history(instance, t.get()));
                }
                if (segments.get(4).equals("checkpoints")) {
                    return checkpointsView(instance, principal, t.get());
                }
            }
            if (segments.size() == 6 && view.equals("tunnels") && segments.get(4).equals("checkpoints")
                    && segments.get(5).equals("export")) {
                Optional<TunnelStatus> t = reader.tunnel(instance, principal, segments.get(3), now);
                if (t.isEmpty()) {
                    return error(404, "No such tunnel: " + segments.get(3));
                }
                try {
                    return json(200, obj("json", checkpoints.export(instance, principal, t.get().tableName(),
                            t.get().tunnelName())));
                } catch (ConsoleCheckpoints.Refused e) {
                    return refused(e);
                }
            }
        }
        return error(404, "No such console endpoint: GET " + request.path());
    }

    /** The checkpoint page's data: the channels' checkpoints, whether the caller may change them, the audit trail. */
    private HttpRouteResponse checkpointsView(String instance, Principal principal, TunnelStatus t) {
        Map<String, Object> out;
        try {
            out = checkpoints.show(instance, principal, t.tableName(), t.tunnelName());
        } catch (ConsoleCheckpoints.Refused e) {
            return refused(e);
        }
        out.put("history", historyEvents(t));
        return json(200, out);
    }

    /** An authenticated caller and the instances they may see right now. */
    private record Caller(ConsoleIdentity identity, List<String> instances, long expiresAtMillis) {
        Principal principal(String instance) {
            return instances.contains(instance) ? identity.principals().get(instance) : null;
        }
    }

    private Optional<Caller> caller(HttpRouteRequest request, long now) {
        Optional<String> sessionId = sessionId(request);
        if (sessionId.isPresent()) {
            Optional<ConsoleSessions.Session> session = sessions.use(sessionId.get(), now);
            if (session.isPresent()) {
                Optional<Caller> c = validated(session.get().identity(), sessions.expiresAtMillis(session.get()), now);
                if (c.isEmpty()) {
                    sessions.remove(sessionId.get()); // key deleted or rotated, or STS credentials expired
                }
                return c;
            }
        }
        Optional<String[]> basic = basicCredentials(request);
        if (basic.isPresent()) {
            String keyId = basic.get()[0];
            Optional<Caller> c = authenticator.authenticate(keyId, basic.get()[1],
                            request.headers().get("x-ots-ststoken"), now)
                    .map(identity -> new Caller(identity, new ArrayList<>(identity.principals().keySet()), 0));
            if (c.isPresent()) {
                throttle.succeeded(keyId, request.remoteAddress());
            } else {
                throttle.failed(keyId, request.remoteAddress());
                log.info("Console HTTP Basic login refused for access key id {} from {}", keyId,
                        request.remoteAddress());
            }
            return c;
        }
        return Optional.empty();
    }

    /** {@code [accessKeyId, secret]} from an {@code Authorization: Basic} header, if there is a well-formed one. */
    private static Optional<String[]> basicCredentials(HttpRouteRequest request) {
        String authorization = request.headers().get("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    private Optional<Caller> validated(ConsoleIdentity identity, long expiresAt, long now) {
        List<String> valid = identity.principals().keySet().stream()
                .filter(i -> authenticator.stillValid(identity, i, now)).toList();
        return valid.isEmpty() ? Optional.empty() : Optional.of(new Caller(identity, valid, expiresAt));
    }

    private static Optional<String> sessionId(HttpRouteRequest request) {
        String header = request.headers().get("cookie");
        if (header == null) {
            return Optional.empty();
        }
        for (String part : header.split(";")) {
            String p = part.strip();
            if (p.startsWith(COOKIE + "=")) {
                String value = p.substring(COOKIE.length() + 1);
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- views

    private static Map<String, Object> sessionJson(ConsoleIdentity identity, List<String> instances, long expiresAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accessKeyId", identity.accessKeyId());
        out.put("instances", instances);
        out.put("expiresAt", expiresAt == 0 ? null : expiresAt);
        return out;
    }

    private List<Object> instances(Caller c, long now) {
        List<Object> out = new ArrayList<>();
        for (String instance : c.instances) {
            List<TunnelStatus> tunnels = reader.tunnels(instance, c.principal(instance), now);
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("name", instance);
            i.put("tables", catalog.list(instance).size());
            i.put("tunnels", tunnels.size());
            i.put("clients", tunnels.stream().flatMap(t -> t.clientIds().stream()).distinct().count());
            out.add(i);
        }
        return out;
    }

    private List<Object> tables(String instance, Principal principal, long now) {
        Map<String, Integer> tunnelsPerTable = new TreeMap<>();
        for (TunnelStatus t : reader.tunnels(instance, principal, now)) {
            tunnelsPerTable.merge(t.tableName(), 1, Integer::sum);
        }
        List<Object> out = new ArrayList<>();
        for (TableDescriptor d : catalog.list(instance)) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", d.tableName());
            t.put("tableId", d.tableId());
            List<Object> pk = new ArrayList<>();
            for (PrimaryKeySchema s : d.primaryKeySchema()) {
                Map<String, Object> col = new LinkedHashMap<>();
                col.put("name", s.getName());
                col.put("type", s.getType().name());
                col.put("autoIncrement", s.hasOption());
                pk.add(col);
            }
            t.put("primaryKey", pk);
            List<Object> defined = new ArrayList<>();
            for (DefinedColumnSchema s : d.meta().getDefinedColumnList()) {
                defined.add(obj("name", s.getName(), "type", s.getType().name()));
            }
            t.put("definedColumns", defined);
            t.put("timeToLiveSeconds", d.timeToLiveSeconds());
            t.put("maxVersions", d.maxVersions());
            t.put("partitions", d.partitions().size());
            Map<String, Object> stream = new LinkedHashMap<>();
            stream.put("enabled", d.stream().enabled());
            stream.put("streamId", d.stream().enabled() ? d.stream().streamId() : null);
            stream.put("expirationHours", d.stream().enabled() ? d.stream().expirationHours() : null);
            t.put("stream", stream);
            t.put("tunnels", tunnelsPerTable.getOrDefault(d.tableName(), 0));
            out.add(t);
        }
        return out;
    }

    static Map<String, Object> tunnelSummary(TunnelStatus t) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tunnelId", t.tunnelId());
        out.put("tunnelName", t.tunnelName());
        out.put("tableName", t.tableName());
        out.put("type", t.type());
        out.put("stage", t.stage());
        out.put("expired", t.expired());
        out.put("createTime", t.createTimeMillis());
        out.put("rpo", t.rpoMillis() == 0 ? null : t.rpoMillis());
        out.put("channelCount", t.channels().size());
        out.put("channelsByStatus", t.channelCountsByStatus());
        out.put("baseProgressPercent", t.baseProgress().isPresent()
                ? Math.round(t.baseProgress().getAsDouble() * 1000) / 10.0 : null);
        out.put("consumed", t.consumedCount());
        out.put("lagRecords", t.lagRecords());
        out.put("lagMillis", t.lagMillis());
        out.put("dataLossInMillis", t.millisUntilDataLoss());
        out.put("forecastLossInMillis", t.forecastMillisUntilLoss());
        out.put("rebaselines", t.count("REBASELINE"));
        out.put("dataLosses", t.count("DATA_LOSS"));
        out.put("clients", t.clients().size());
        return out;
    }

    static Map<String, Object> tunnelDetail(TunnelStatus t) {
        Map<String, Object> out = tunnelSummary(t);
        out.put("history", historyEvents(t));
        List<Object> channels = new ArrayList<>();
        for (ChannelStatusView c : t.channels()) {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("channelId", c.channelId());
            ch.put("type", c.type());
            ch.put("status", c.status());
            ch.put("owner", c.ownerClientId().isEmpty() ? null : c.ownerClientId());
            ch.put("rpo", c.rpoMillis() == 0 ? null : c.rpoMillis());
            ch.put("consumed", c.consumedCount());
            ch.put("lagRecords", c.lagRecords());
            ch.put("lagMillis", c.lagMillis());
            channels.add(ch);
        }
        out.put("channels", channels);
        out.put("sampledAt", t.sampledAtMillis());
        return out;
    }

    /** The tunnel's history (re-baselines, data losses, checkpoint changes and forks), oldest first. */
    static List<Object> historyEvents(TunnelStatus t) {
        List<Object> history = new ArrayList<>();
        for (TunnelStatus.HistoryEvent e : t.history()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("at", e.atMillis());
            h.put("kind", e.kind());
            h.put("channelId", e.channelId().isEmpty() ? null : e.channelId());
            h.put("detail", e.detail());
            h.put("actor", e.actor());
            history.add(h);
        }
        return history;
    }

    private static List<Object> clients(List<TunnelStatus> tunnels) {
        // a client id belongs to one tunnel (ConnectTunnel is per tunnel)
        Map<String, Object> byClient = new TreeMap<>();
        for (TunnelStatus t : tunnels) {
            for (ClientStatusView c : t.clients()) {
                Map<String, Object> client = new LinkedHashMap<>();
                client.put("clientId", c.clientId());
                client.put("clientTag", c.clientTag().isEmpty() ? null : c.clientTag());
                client.put("lastHeartbeat", c.lastHeartbeatMillis() == 0 ? null : c.lastHeartbeatMillis());
                client.put("tunnelId", t.tunnelId());
                client.put("tunnelName", t.tunnelName());
                client.put("tableName", t.tableName());
                client.put("channels", c.channelIds());
                byClient.put(c.clientId(), client);
            }
        }
        return new ArrayList<>(byClient.values());
    }

    private Map<String, Object> history(String instance, TunnelStatus t) {
        List<ConsoleHistory.Point> points = history.points(instance, t.tunnelId());
        List<Object> out = new ArrayList<>();
        ConsoleHistory.Point previous = null;
        for (ConsoleHistory.Point p : points) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("t", p.atMillis());
            point.put("consumed", p.consumed());
            Double consumeRate = null;
            Double writeRate = null;
            if (previous != null && p.atMillis() > previous.atMillis()) {
                double seconds = (p.atMillis() - previous.atMillis()) / 1000.0;
                consumeRate = Math.max(0, p.consumed() - previous.consumed()) / seconds;
                writeRate = Math.max(0, p.tableAppends() - previous.tableAppends()) / seconds;
            }
            point.put("consumedPerSecond", consumeRate);
            point.put("writesPerSecond", writeRate);
            point.put("lagRecords", p.lagRecords() < 0 ? null : p.lagRecords());
            point.put("lagMillis", p.lagMillis() < 0 ? null : p.lagMillis());
            out.add(point);
            previous = p;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tunnelId", t.tunnelId());
        result.put("intervalMillis", sampleIntervalMillis);
        result.put("points", out);
        return result;
    }

    // ---------------------------------------------------------------- helpers

    /** A JSON object with the given name/value pairs, in that order. */
    static Map<String, Object> obj(Object... namesAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return out;
    }

    static HttpRouteResponse json(int status, Object body) {
        return json(status, body, Map.of());
    }

    static HttpRouteResponse json(int status, Object body, Map<String, String> extraHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put("cache-control", "no-store");
        headers.put("x-content-type-options", "nosniff");
        return new HttpRouteResponse(status, "application/json; charset=utf-8",
                Json.write(body).getBytes(StandardCharsets.UTF_8), headers);
    }

    static HttpRouteResponse error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    /** Path segments, percent-decoded; empty segments dropped. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                try {
                    out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    out.add(s); // a malformed %-escape: matches nothing, so the caller gets a 404
                }
            }
        }
        return out;
    }

    /** {@code application/x-www-form-urlencoded} (also query strings); the last value of a repeated name wins. */
    static Map<String, String> parseForm(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.put(name, value);
            } catch (IllegalArgumentException e) {
                // a malformed %-escape: ignore the pair, the request then lacks that field
            }
        }
        return out;
    }
}
