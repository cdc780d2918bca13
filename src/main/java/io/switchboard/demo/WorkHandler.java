package io.switchboard.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.time.Ticker;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * The simulated worker's HTTP surface and behaviour.
 *
 * <p>Answers are completed asynchronously: a waiting request is a scheduled task on Jetty's scheduler
 * plus the request's callback, never a parked thread. That keeps thousands of slow requests nearly
 * free, and makes a hang trivial to model and to release: a hung request is simply one not yet scheduled.
 */
final class WorkHandler extends Handler.Abstract {

    static final Duration MAX_HANG = Duration.ofMinutes(10);
    private static final int MAX_HUNG = 10_000;
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MAX_FAULT_BODY_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String id;
    private final String model;
    private final LatencyProfile latency;
    private final RandomGenerator random;
    private final ReentrantLock randomLock = new ReentrantLock();
    private final Ticker ticker;
    private final AtomicReference<Faults> faults = new AtomicReference<>(Faults.NONE);
    private final Set<Exchange> open = ConcurrentHashMap.newKeySet();
    private final Set<Exchange> hung = ConcurrentHashMap.newKeySet();
    private final LongAdder received = new LongAdder();
    private final LongAdder served = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    WorkHandler(String id, String model, LatencyProfile latency, RandomGenerator random, Ticker ticker) {
        this.id = id;
        this.model = model;
        this.latency = latency;
        this.random = random;
        this.ticker = ticker;
    }

    Faults faults() {
        return faults.get();
    }

    void faults(Faults next) {
        faults.set(next);
        if (!next.hang()) {
            releaseHung();
        }
    }

    WorkerStats stats() {
        return new WorkerStats(received.sum(), served.sum(), failed.sum(), rejected.sum(), open.size(), hung.size());
    }

    /** Answers every open request 503 before the server stops, so none waits for a timer that will never fire. */
    void releaseAll() {
        for (Exchange exchange : open) {
            exchange.fail(503, "simulated worker " + id + " is stopping");
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        switch (path) {
            case "/work" -> {
                if ("POST".equals(method)) {
                    work(request, response, callback);
                } else {
                    methodNotAllowed(response, callback, "POST");
                }
            }
            case "/fault" -> {
                switch (method) {
                    case "GET" -> send(response, callback, 200, FaultsJson.toJson(faults()));
                    case "POST" -> changeFaults(request, response, callback);
                    case "DELETE" -> {
                        faults(Faults.NONE);
                        send(response, callback, 200, FaultsJson.toJson(Faults.NONE));
                    }
                    default -> methodNotAllowed(response, callback, "GET, POST, DELETE");
                }
            }
            case "/health" -> {
                if ("GET".equals(method)) {
                    send(response, callback, 200, object().put("status", "UP").put("worker", id));
                } else {
                    methodNotAllowed(response, callback, "GET");
                }
            }
            case "/stats" -> {
                if ("GET".equals(method)) {
                    send(response, callback, 200, statsJson());
                } else {
                    methodNotAllowed(response, callback, "GET");
                }
            }
            default -> send(response, callback, 404, error("no such endpoint: " + path
                    + "; try POST /work, GET|POST|DELETE /fault, GET /health, GET /stats"));
        }
        return true;
    }

    private void work(Request request, Response response, Callback callback) {
        Exchange exchange = new Exchange(request, response, callback, ticker.nanoTime());
        if (request.getLength() > MAX_BODY_BYTES) {
            exchange.reject(413, "body larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        request.addFailureListener(exchange::abort);
        readBody(request, MAX_BODY_BYTES, (bytes, failure) -> {
            if (failure != null) {
                exchange.reject(400, "could not read the body: " + failure.getMessage());
                return;
            }
            JsonNode envelope;
            try {
                envelope = JSON.readTree(bytes);
            } catch (JsonProcessingException e) {
                exchange.reject(400, "body is not valid JSON: " + e.getOriginalMessage());
                return;
            } catch (IOException e) {
                exchange.reject(400, "could not read the body: " + e.getMessage());
                return;
            }
            if (envelope == null || !envelope.isObject()) {
                exchange.reject(400, "body must be a JSON object (the message envelope)");
                return;
            }
            exchange.envelope = envelope;
            received.increment();
            open.add(exchange);
            admit(exchange);
        });
    }

    private void admit(Exchange exchange) {
        if (!faults().hang()) {
            answerLater(exchange);
            return;
        }
        if (hung.size() >= MAX_HUNG) {
            exchange.fail(503, "too many requests already held by the hang fault");
            return;
        }
        // The give-up timer is set before the exchange becomes visible to releaseHung, which replaces it.
        exchange.timer = scheduler().schedule(() -> {
            if (hung.remove(exchange)) {
                exchange.fail(503, "gave up holding the request after " + MAX_HANG.toMinutes() + " minutes of hang");
            }
        }, MAX_HANG);
        hung.add(exchange);
        // Hang may have been lifted between the check above and the add; whoever removes the exchange owns it.
        if (!faults().hang() && hung.remove(exchange)) {
            exchange.cancelTimer();
            answerLater(exchange);
        }
    }

    private void releaseHung() {
        for (Exchange exchange : hung) {
            if (hung.remove(exchange)) {
                exchange.cancelTimer();
                answerLater(exchange);
            }
        }
    }

    private void answerLater(Exchange exchange) {
        Faults now = faults();
        boolean fail;
        long delayMs;
        randomLock.lock();
        try {
            fail = now.errorRate() > 0 && random.nextDouble() < now.errorRate();
            // A failing backend answers fast; only the added (network) latency delays its error.
            delayMs = fail ? 0 : latency.sampleMillis(random);
        } finally {
            randomLock.unlock();
        }
        delayMs += now.addedLatencyMs();
        int status = now.status();
        exchange.timer = scheduler().schedule(() -> {
            if (fail) {
                exchange.fail(status, "injected failure");
            } else {
                exchange.succeed();
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    private void changeFaults(Request request, Response response, Callback callback) {
        readBody(request, MAX_FAULT_BODY_BYTES, (bytes, failure) -> {
            if (failure != null) {
                send(response, callback, 400, error("could not read the body: " + failure.getMessage()));
                return;
            }
            Faults next;
            try {
                JsonNode patch = JSON.readTree(bytes);
                next = faults.updateAndGet(current -> FaultsJson.merge(current, patch));
            } catch (JsonProcessingException e) {
                send(response, callback, 400, error("body is not valid JSON: " + e.getOriginalMessage()));
                return;
            } catch (IOException e) {
                send(response, callback, 400, error("could not read the body: " + e.getMessage()));
                return;
            } catch (IllegalArgumentException | ArithmeticException e) {
                send(response, callback, 400, error(e.getMessage()));
                return;
            }
            if (!next.hang()) {
                releaseHung();
            }
            send(response, callback, 200, FaultsJson.toJson(next));
        });
    }

    private ObjectNode statsJson() {
        WorkerStats s = stats();
        return object().put("worker", id).put("model", model)
                .put("received", s.received()).put("served", s.served()).put("failed", s.failed())
                .put("rejected", s.rejected()).put("in_flight", s.inFlight()).put("hung", s.hung());
    }

    /** Reads the whole body without holding a thread; the handler may parse up to a megabyte, so it is not run on a selector. */
    private static void readBody(Request request, int maxBytes, BiConsumer<byte[], Throwable> handler) {
        Content.Source.asByteArrayAsync(request, maxBytes, Promise.Invocable.from(InvocationType.BLOCKING, handler));
    }

    private Scheduler scheduler() {
        return getServer().getScheduler();
    }

    private ObjectNode error(String message) {
        return object().put("error", message).put("worker", id);
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static void methodNotAllowed(Response response, Callback callback, String allowed) {
        response.getHeaders().put(HttpHeader.ALLOW, allowed);
        send(response, callback, 405, object().put("error", "method not allowed; use " + allowed));
    }

    private static void send(Response response, Callback callback, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** One work request from receipt to its single answer, abort or rejection. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long startNanos;
        private final AtomicBoolean finished = new AtomicBoolean();
        volatile JsonNode envelope;
        volatile Scheduler.Task timer;

        Exchange(Request request, Response response, Callback callback, long startNanos) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.startNanos = startNanos;
        }

        void succeed() {
            if (finish()) {
                served.increment();
                String requestId = requestId();
                ObjectNode body = object()
                        .put("worker", id)
                        .put("model", model)
                        .put("output", CannedAnswers.answer(text(envelope, "class"), envelope.get("content")))
                        .put("request_id", requestId)
                        .put("message_id", text(envelope, "id"))
                        .put("class", text(envelope, "class"))
                        .put("attempt", attempt())
                        .put("latency_ms", elapsedMs());
                echo(requestId);
                send(response, callback, 200, body);
            }
        }

        void fail(int status, String reason) {
            if (finish()) {
                failed.increment();
                String requestId = requestId();
                echo(requestId);
                send(response, callback, status, error(reason).put("status", status)
                        .put("request_id", requestId).put("attempt", attempt()).put("latency_ms", elapsedMs()));
            }
        }

        void reject(int status, String reason) {
            if (finish()) {
                rejected.increment();
                send(response, callback, status, error(reason));
            }
        }

        void abort(Throwable cause) {
            if (finish()) {
                callback.failed(cause);
            }
        }

        void cancelTimer() {
            Scheduler.Task task = timer;
            if (task != null) {
                task.cancel();
            }
        }

        private boolean finish() {
            if (!finished.compareAndSet(false, true)) {
                return false;
            }
            open.remove(this);
            hung.remove(this);
            cancelTimer();
            return true;
        }

        private void echo(String requestId) {
            if (requestId != null) {
                response.getHeaders().put("X-Request-ID", requestId);
            }
        }

        private String requestId() {
            String header = request.getHeaders().get("X-Request-ID");
            return header != null ? header : text(envelope, "id");
        }

        private int attempt() {
            String header = request.getHeaders().get("X-Switchboard-Attempt");
            if (header != null) {
                try {
                    return Integer.parseInt(header.trim());
                } catch (NumberFormatException ignored) {
                    // fall through to the envelope's attempt
                }
            }
            JsonNode attempt = envelope == null ? null : envelope.get("attempt");
            return attempt != null && attempt.canConvertToInt() ? attempt.intValue() : 1;
        }

        private long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(ticker.nanoTime() - startNanos);
        }
    }

    private static String text(JsonNode envelope, String field) {
        JsonNode node = envelope == null ? null : envelope.get(field);
        return node == null || node.isNull() ? null : node.isTextual() ? node.textValue() : node.toString();
    }
}
