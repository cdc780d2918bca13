package io.switchboard.ingress.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.switchboard.Pipeline;
import io.switchboard.Rulebook;
import io.switchboard.admission.EnvelopeParser;
import io.switchboard.admission.InvalidEnvelope;
import io.switchboard.classify.Classification;
import io.switchboard.classify.MatchedRule;
import io.switchboard.deliver.DeliveryResult;
import io.switchboard.ingress.IngressMetrics;
import io.switchboard.ingress.Readiness;
import io.switchboard.message.Ids;
import io.switchboard.message.Json;
import io.switchboard.time.Ticker;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Serves the public HTTP API; every answer is JSON, every error problem+json. */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final JsonFactory JSON = Json.factory();
    private static final String JSON_TYPE = "application/json";
    private static final byte[] RESULT_FIELD = ",\"result\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Pipeline pipeline;
    private final EnvelopeReader reader;
    private final MessageRoutes messages;
    private final AdminRoutes admin;
    private final Readiness readiness;
    private final int maxInFlight;
    private final ExecutorService executor;
    private final IngressMetrics metrics;
    private final DashboardRoutes views;
    private final AccessControl access;
    private final Cors cors;
    private final Ticker ticker;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();
    private volatile boolean draining;

    ApiHandler(Pipeline pipeline, EnvelopeReader reader, MessageRoutes messages, AdminRoutes admin, Readiness readiness,
               int maxInFlight,
               ExecutorService executor, IngressMetrics metrics, DashboardRoutes views, AccessControl access, Cors cors,
               Ticker ticker) {
        super(InvocationType.NON_BLOCKING);
        this.pipeline = pipeline;
        this.reader = reader;
        this.messages = messages;
        this.admin = admin;
        this.readiness = readiness;
        this.maxInFlight = maxInFlight;
        this.executor = executor;
        this.metrics = metrics;
        this.views = views;
        this.access = access;
        this.cors = cors;
        this.ticker = ticker;
    }

    int inFlight() {
        return inFlight.get();
    }

    void startDraining() {
        draining = true;
    }

    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        idleLock.lock();
        try {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            idleLock.unlock();
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String requestId = requestId(request);
        response.getHeaders().put("X-Request-ID", requestId);
        int now = inFlight.incrementAndGet();
        var exchange = new Exchange(request, response, callback, requestId, metrics, this::finished);
        if (cors.isPreflight(request)) {
            preflight(exchange);
            return true;
        }
        cors.decorate(request, response.getHeaders());
        if (now > maxInFlight && !isProbe(request)) {
            // Answered on the I/O thread without reading the body: the cheapest way to stay within memory.
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            exchange.problem(Problem.of(429, "overloaded", "Too Many Requests",
                    "the engine is serving server.max_in_flight (" + maxInFlight + ") requests already"));
            return true;
        }
        try {
            executor.execute(() -> serve(exchange));
        } catch (RejectedExecutionException e) {
            exchange.problem(Problem.of(503, "unavailable", "Service Unavailable", "the engine is stopping"));
        }
        return true;
    }

    /** Answers a CORS preflight: 204 with what the API allows, or 403 for an origin that is not allowed. */
    private void preflight(Exchange x) {
        if (cors.preflight(x.request, x.response.getHeaders())) {
            x.empty(204);
        } else {
            x.problem(Problem.of(403, "origin-not-allowed", "Origin Not Allowed",
                    "the request's Origin is not in server.cors.allowed_origins"));
        }
    }

    /** The caller's X-Request-ID when usable, else the trace id of its W3C traceparent, else a new trace id. */
    static String requestId(Request request) {
        String supplied = request.getHeaders().get("X-Request-ID");
        if (Ids.isAcceptableRequestId(supplied)) {
            return supplied;
        }
        String trace = Ids.traceIdOf(request.getHeaders().get("traceparent"));
        return trace != null ? trace : Ids.newTraceId(System.currentTimeMillis());
    }

    private static boolean isProbe(Request request) {
        String path = request.getHttpURI().getPath();
        // Scrapes and the dashboard too: they matter most when the engine is overloaded.
        return "/health".equals(path) || "/ready".equals(path) || "/metrics".equals(path) || DashboardRoutes.serves(path);
    }

    private void serve(Exchange x) {
        MDC.put("request_id", x.requestId);
        try {
            String path = x.request.getHttpURI().getPath();
            String method = x.request.getMethod();
            switch (access.check(x.request, x.response.getHeaders())) {
                case AccessControl.Verdict.Refuse r -> {
                    x.problem(r.problem());
                    return;
                }
                case AccessControl.Verdict.Pass p -> {
                    if (p.key() != null) {
                        // The key's name, never the key: every line about this request says who sent it.
                        MDC.put("api_key", p.key().name());
                    }
                }
            }
            switch (path) {
                case "/health" -> only(x, method, "GET", () -> x.json(200, Map.of("status", "ok")));
                case "/ready" -> only(x, method, "GET", () -> ready(x));
                case "/metrics" -> only(x, method, "GET", () -> metrics(x));
                case "/v1/route" -> only(x, method, "POST", () -> route(x));
                case "/v1/classify" -> only(x, method, "POST", () -> classify(x));
                case "/v1/messages" -> only(x, method, "POST", () -> submit(x));
                default -> {
                    if (MessageRoutes.serves(path)) {
                        answer(x, messages.handle(method, path, x.request.getHttpURI().getQuery()));
                    } else if (AdminRoutes.serves(path)) {
                        answer(x, admin.handle(method, path));
                    } else if (DashboardRoutes.serves(path)) {
                        only(x, method, "GET", () -> x.page(views.page(path)));
                    } else {
                        x.problem(Problem.of(404, "not-found", "Not Found", "no such endpoint: " + path));
                    }
                }
            }
        } catch (InterruptedException e) {
            // Only the listener stopping interrupts a request thread.
            Thread.currentThread().interrupt();
            x.problem(Problem.of(503, "draining", "Service Unavailable", "the engine stopped before the request finished"));
        } catch (Throwable t) {
            LOG.error("request {} failed unexpectedly", x.requestId, t);
            x.problem(Problem.of(500, "internal", "Internal Server Error",
                    "an unexpected error occurred; the request id identifies it in the logs"));
        } finally {
            MDC.clear();
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void only(Exchange x, String method, String allowed, Action action) throws Exception {
        if (method.equals(allowed) || (allowed.equals("GET") && method.equals("HEAD"))) {
            action.run();
        } else {
            x.response.getHeaders().put(HttpHeader.ALLOW, allowed);
            x.problem(Problem.methodNotAllowed(method, allowed));
        }
    }

    private void ready(Exchange x) {
        Readiness.Report r = readiness.check();
        boolean ok = r.ready() && !draining;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", draining ? "draining" : r.status());
        body.put("ready", ok);
        if (!r.reasons().isEmpty() || draining) {
            body.put("reasons", draining ? List.of("the engine is draining for shutdown") : r.reasons());
        }
        x.json(ok ? 200 : 503, body);
    }

    private void metrics(Exchange x) {
        IngressMetrics.Exposition page = metrics.scrape(x.request.getHeaders().get(HttpHeader.ACCEPT));
        x.raw(200, page.contentType(), page.body());
    }

    private void classify(Exchange x) throws InterruptedException {
        Rulebook.Edition rules = pipeline.rules();
        var envelope = readEnvelope(x, rules);
        if (envelope == null) {
            return;
        }
        Pipeline.Decision d = pipeline.decide(envelope, rules);
        Classification c = d.classification();
        x.response.getHeaders().put("X-Switchboard-Class", c.className());
        x.response.getHeaders().put("X-Switchboard-Pool", d.route().pool());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("class", c.className());
        body.put("priority", c.priority().name());
        body.put("pool", d.route().pool());
        if (d.route().fallback() != null) {
            body.put("fallback", d.route().fallback());
        }
        body.put("source", c.source().name().toLowerCase(Locale.ROOT));
        body.put("matched_rules", c.matched().stream().map(ApiHandler::rule).toList());
        x.json(200, body);
    }

    private static Map<String, Object> rule(MatchedRule r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", r.rule());
        m.put("class", r.className());
        m.put("score", r.score());
        m.put("matched", r.matched());
        return m;
    }

    private void submit(Exchange x) throws InterruptedException {
        if (refusedWhileDraining(x)) {
            return;
        }
        Rulebook.Edition rules = pipeline.rules();
        var envelope = readEnvelope(x, rules);
        if (envelope == null) {
            return;
        }
        Pipeline.Decision d = pipeline.decide(envelope, rules);
        if (!refusedByRoute(x, d)) {
            answer(x, messages.submit(envelope, d, x.requestId));
        }
    }

    /** Checks the rate limit of the route a message was given; true when it refused (and was answered). */
    private boolean refusedByRoute(Exchange x, Pipeline.Decision d) {
        Problem refused = access.limitRoute(d.route().className(), x.response.getHeaders());
        if (refused == null) {
            return false;
        }
        x.problem(refused);
        return true;
    }

    /** While draining, new work is answered 503 at once (reads and probes still are served). */
    private boolean refusedWhileDraining(Exchange x) {
        if (!draining) {
            return false;
        }
        x.response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        x.problem(Problem.of(503, "draining", "Service Unavailable", "the engine is shutting down; retry on another instance"));
        return true;
    }

    private static void answer(Exchange x, MessageRoutes.Answer a) {
        a.headers().forEach((k, v) -> x.response.getHeaders().put(k, v));
        if (a.problem() != null) {
            x.problem(a.problem());
        } else {
            x.json(a.status(), a.body());
        }
    }

    private void route(Exchange x) throws InterruptedException {
        if (refusedWhileDraining(x)) {
            return;
        }
        Rulebook.Edition rules = pipeline.rules();
        var envelope = readEnvelope(x, rules);
        if (envelope == null) {
            return;
        }
        long accepted = ticker.nanoTime();
        Pipeline.Decision d = pipeline.decide(envelope, rules);
        if (refusedByRoute(x, d)) {
            return;
        }
        Pipeline.Routed routed = pipeline.route(envelope, d, accepted, x.requestId);
        var headers = x.response.getHeaders();
        headers.put("X-Switchboard-Class", routed.message().className());
        switch (routed.result()) {
            case DeliveryResult.Success s -> {
                headers.put("X-Switchboard-Pool", s.pool());
                headers.put("X-Switchboard-Worker", s.worker());
                x.raw(200, JSON_TYPE, successBody(routed, s));
            }
            case DeliveryResult.Failure f -> {
                headers.put("X-Switchboard-Pool", f.pool());
                if (f.worker() != null) {
                    headers.put("X-Switchboard-Worker", f.worker());
                }
                x.problem(DeliveryProblems.of(routed.message(), f, headers));
            }
        }
    }

    private static byte[] successBody(Pipeline.Routed routed, DeliveryResult.Success s) {
        var out = new ByteArrayOutputStream(160 + s.body().length);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            // The object is closed by hand below, after the worker's answer.
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
            g.writeStartObject();
            g.writeStringField("id", routed.message().id());
            g.writeStringField("class", routed.message().className());
            g.writeStringField("priority", routed.message().priority().name());
            g.writeStringField("pool", s.pool());
            g.writeStringField("worker", s.worker());
            g.writeNumberField("attempts", s.attempts());
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The worker's JSON passes through byte for byte: it was validated, never re-serialised.
        out.writeBytes(RESULT_FIELD);
        out.writeBytes(s.body());
        out.write('}');
        return out.toByteArray();
    }

    /**
     * Reads and parses the body against {@code rules} (the request is decided by them too), answering the problem
     * itself when it is refused; null then.
     */
    private io.switchboard.message.Envelope readEnvelope(Exchange x, Rulebook.Edition rules)
            throws InterruptedException {
        return switch (reader.read(x.request, rules.rules()::knows)) {
            case EnvelopeReader.Read.Envelope e -> e.envelope();
            case EnvelopeReader.Read.Refused r -> {
                if (r.closeConnection()) {
                    x.response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                x.problem(r.problem());
                yield null;
            }
        };
    }

    /** One request fewer in flight; wakes a drain waiting for none. */
    private void finished() {
        if (inFlight.decrementAndGet() == 0) {
            idleLock.lock();
            try {
                idle.signalAll();
            } finally {
                idleLock.unlock();
            }
        }
    }
}
