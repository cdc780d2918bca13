package io.switchboard.ingress.http;

import io.switchboard.AsyncPipeline;
import io.switchboard.Pipeline;
import io.switchboard.message.Envelope;
import io.switchboard.store.DeadLetterFilter;
import io.switchboard.store.DeadLetterPage;
import io.switchboard.store.DeadLetterReason;
import io.switchboard.store.Store;
import io.switchboard.store.StoreUnavailableException;
import io.switchboard.store.StoredMessage;
import io.switchboard.store.Submission;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The asynchronous API: {@code POST /v1/messages}, {@code GET /v1/messages/{id}} and the dead-letter queue
 * ({@code GET /v1/dead-letters}, replay one or by filter, purge one or by filter).
 */
final class MessageRoutes {

    private static final String MESSAGES = "/v1/messages";
    private static final String DEAD_LETTERS = "/v1/dead-letters";
    private static final int PAGE_DEFAULT = 50;
    private static final int PAGE_MAX = 1_000;
    private static final int BULK_DEFAULT = 1_000;
    private static final int BULK_MAX = 10_000;

    /** An answer: JSON with a status, or a problem; plus headers. */
    record Answer(int status, Object body, Problem problem, Map<String, String> headers) {
        static Answer json(int status, Object body) {
            return new Answer(status, body, null, Map.of());
        }

        static Answer problem(Problem p) {
            return new Answer(p.status(), null, p, Map.of());
        }

        Answer header(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Answer(status, body, problem, h);
        }
    }

    private final AsyncPipeline async;
    private final Store store;

    MessageRoutes(AsyncPipeline async) {
        this.async = async;
        this.store = async.store();
    }

    static boolean serves(String path) {
        return path.equals(MESSAGES) || path.startsWith(MESSAGES + "/") || path.equals(DEAD_LETTERS)
                || path.startsWith(DEAD_LETTERS + "/");
    }

    /** {@code POST /v1/messages} with an envelope already read, classified and routed. */
    Answer submit(Envelope envelope, Pipeline.Decision decision, String requestId) {
        AsyncPipeline.Submitted s = async.submit(envelope, decision, requestId);
        String pool = s.decision().route().pool();
        return switch (s.submission()) {
            case Submission.Accepted a -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", a.message().id());
                body.put("status", a.message().status().label());
                body.put("class", a.message().className());
                body.put("priority", a.message().priority().name());
                body.put("pool", pool);
                yield Answer.json(202, body)
                        .header("Location", MESSAGES + "/" + a.message().id())
                        .header("X-Switchboard-Class", a.message().className())
                        .header("X-Switchboard-Pool", pool);
            }
            case Submission.Duplicate d -> {
                StoredMessage m = d.existing();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", m.id());
                body.put("status", m.status().label());
                body.put("class", m.className());
                body.put("priority", m.priority().name());
                body.put("pool", m.pool());
                body.put("duplicate", true);
                body.put("idempotency_key", m.idempotencyKey());
                if (m.status().isDeadLetter()) {
                    body.put("hint", "the first submission was dead-lettered; replay it with POST "
                            + DEAD_LETTERS + "/" + m.id() + "/replay");
                }
                yield Answer.json(200, body)
                        .header("Location", MESSAGES + "/" + m.id())
                        .header("X-Switchboard-Class", m.className())
                        .header("X-Switchboard-Pool", m.pool());
            }
            case Submission.Refused r -> Answer.problem(Problem.of(503, "store-unavailable", "Store Unavailable",
                    "the message was not stored: " + r.reason()))
                    .header("Retry-After", Integer.toString(r.retryAfterSeconds()));
        };
    }

    /** Every other request under these paths. */
    Answer handle(String method, String path, String query) {
        try {
            Map<String, String> params = query(query);
            if (path.startsWith(MESSAGES + "/")) {
                String id = path.substring(MESSAGES.length() + 1);
                return only(method, "GET", () -> message(id, params));
            }
            if (path.equals(MESSAGES)) {
                return notAllowed(method, "POST");
            }
            if (path.equals(DEAD_LETTERS)) {
                return switch (method) {
                    case "GET", "HEAD" -> list(params);
                    case "DELETE" -> purgeAll(params);
                    default -> notAllowed(method, "GET, DELETE");
                };
            }
            String rest = path.substring(DEAD_LETTERS.length() + 1);
            if (rest.equals("replay")) {
                return only(method, "POST", () -> replayAll(params));
            }
            if (rest.endsWith("/replay")) {
                String id = rest.substring(0, rest.length() - "/replay".length());
                return only(method, "POST", () -> replay(id, params));
            }
            if (!rest.isEmpty() && !rest.contains("/")) {
                return switch (method) {
                    case "GET", "HEAD" -> deadLetter(rest, params);
                    case "DELETE" -> purge(rest, params);
                    default -> notAllowed(method, "GET, DELETE");
                };
            }
            return Answer.problem(Problem.of(404, "not-found", "Not Found", "no such endpoint: " + path));
        } catch (BadRequest e) {
            return Answer.problem(Problem.of(400, "bad-query", "Bad Query Parameter", e.getMessage()));
        } catch (StoreUnavailableException e) {
            return Answer.problem(Problem.of(503, "store-unavailable", "Store Unavailable", e.getMessage()))
                    .header("Retry-After", "1");
        }
    }

    private interface Action {
        Answer run() throws StoreUnavailableException, BadRequest;
    }

    private static Answer only(String method, String allowed, Action action) throws StoreUnavailableException, BadRequest {
        if (method.equals(allowed) || (allowed.equals("GET") && method.equals("HEAD"))) {
            return action.run();
        }
        return notAllowed(method, allowed);
    }

    /** 405 with the {@code Allow} header. */
    static Answer notAllowed(String method, String allowed) {
        return Answer.problem(Problem.methodNotAllowed(method, allowed)).header("Allow", allowed);
    }

    private Answer message(String id, Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of());
        Optional<StoredMessage> m = store.find(id);
        return m.map(s -> Answer.json(200, MessageView.status(s))).orElseGet(() -> unknown(id));
    }

    private Answer deadLetter(String id, Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of());
        Optional<StoredMessage> m = store.find(id).filter(s -> s.status().isDeadLetter());
        return m.map(s -> Answer.json(200, MessageView.deadLetter(s))).orElseGet(() -> notDeadLetter(id));
    }

    private Answer list(Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of("class", "pool", "reason", "limit", "cursor"));
        DeadLetterFilter filter = filter(params);
        int limit = limit(params, PAGE_DEFAULT, PAGE_MAX);
        DeadLetterPage page;
        try {
            page = store.deadLetters(filter, params.get("cursor"), limit);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", MessageView.deadLetters(page.items()));
        body.put("next_cursor", page.nextCursor());
        return Answer.json(200, body);
    }

    private Answer replay(String id, Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of());
        Optional<StoredMessage> replayed = store.replay(id);
        if (replayed.isEmpty()) {
            return notDeadLetter(id);
        }
        async.signal();
        StoredMessage m = replayed.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", m.id());
        body.put("status", m.status().label());
        body.put("class", m.className());
        body.put("pool", m.pool());
        body.put("replays", m.replays());
        return Answer.json(202, body).header("Location", MESSAGES + "/" + m.id());
    }

    private Answer replayAll(Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of("class", "pool", "reason", "limit"));
        int n = store.replayAll(filter(params), limit(params, BULK_DEFAULT, BULK_MAX));
        async.signal();
        return Answer.json(202, Map.of("replayed", n));
    }

    private Answer purge(String id, Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of());
        return store.purge(id) ? Answer.json(200, Map.of("id", id, "purged", true)) : notDeadLetter(id);
    }

    private Answer purgeAll(Map<String, String> params) throws StoreUnavailableException, BadRequest {
        expectOnly(params, Set.of("class", "pool", "reason", "limit", "all"));
        DeadLetterFilter filter = filter(params);
        if (filter.equals(DeadLetterFilter.ALL) && !"true".equals(params.get("all"))) {
            throw new BadRequest("purging every dead letter needs all=true; or filter by class, pool or reason");
        }
        int n = store.purgeAll(filter, limit(params, BULK_DEFAULT, BULK_MAX));
        return Answer.json(200, Map.of("purged", n));
    }

    private Answer unknown(String id) {
        return Answer.problem(Problem.of(404, "message-not-found", "Message Not Found",
                "no message with id '" + id + "' (never stored, or delivered and pruned after store.retention_ms)"));
    }

    private Answer notDeadLetter(String id) {
        try {
            Optional<StoredMessage> m = store.find(id);
            if (m.isPresent()) {
                return Answer.problem(Problem.of(409, "not-dead-lettered", "Not A Dead Letter",
                        "message '" + id + "' is " + m.get().status().label() + ", not in the dead-letter queue")
                        .with("status", m.get().status().label()));
            }
        } catch (StoreUnavailableException e) {
            // answered as unknown below
        }
        return Answer.problem(Problem.of(404, "dead-letter-not-found", "Dead Letter Not Found",
                "no dead letter with id '" + id + "'"));
    }

    private static DeadLetterFilter filter(Map<String, String> params) throws BadRequest {
        String reason = params.get("reason");
        DeadLetterReason r = null;
        if (reason != null) {
            r = DeadLetterReason.ofLabel(reason);
            if (r == null) {
                throw new BadRequest("reason must be one of " + String.join(", ", DeadLetterReason.labels())
                        + ", got '" + reason + "'");
            }
        }
        return new DeadLetterFilter(params.get("class"), params.get("pool"), r);
    }

    private static int limit(Map<String, String> params, int dflt, int max) throws BadRequest {
        String v = params.get("limit");
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadRequest("limit must be an integer from 1 to " + max + ", got '" + v + "'");
    }

    private static void expectOnly(Map<String, String> params, Set<String> allowed) throws BadRequest {
        for (String k : params.keySet()) {
            if (!allowed.contains(k)) {
                throw new BadRequest("unknown query parameter '" + k + "'"
                        + (allowed.isEmpty() ? "; this endpoint takes none" : "; allowed: "
                        + String.join(", ", new java.util.TreeSet<>(allowed))));
            }
        }
    }

    private static Map<String, String> query(String query) throws BadRequest {
        Map<String, String> out = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String part : query.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.put(k, v) != null) {
                    throw new BadRequest("query parameter '" + k + "' is given twice");
                }
            } catch (IllegalArgumentException e) {
                throw new BadRequest("the query string is not valid URL encoding");
            }
        }
        return out;
    }

    /** A query parameter the endpoint cannot take. */
    private static final class BadRequest extends Exception {
        BadRequest(String message) {
            super(message);
        }
    }
}
