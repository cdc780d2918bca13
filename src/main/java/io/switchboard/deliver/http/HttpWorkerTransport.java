package io.switchboard.deliver.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.switchboard.config.DeliveryTlsConfig;
import io.switchboard.deliver.AttemptRequest;
import io.switchboard.deliver.ErrorCategory;
import io.switchboard.deliver.Outcome;
import io.switchboard.deliver.WorkerTransport;
import io.switchboard.dispatch.Worker;
import io.switchboard.message.Envelope;
import io.switchboard.message.EnvelopeCodec;
import io.switchboard.message.Ids;
import io.switchboard.message.Json;
import io.switchboard.message.Message;
import io.switchboard.tls.KeyStores;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.DuplexConnectionPool;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers attempts to HTTP workers with Jetty's HttpClient: one connection pool per worker origin, sized from the
 * workers' {@code max_concurrency}, so a slow worker can never take connections from the others.
 */
public final class HttpWorkerTransport implements WorkerTransport {

    /** Largest worker answer accepted; bigger ones are a fatal invalid response. */
    public static final int MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
    private static final JsonFactory JSON = Json.factory();

    private final HttpClient client;

    private HttpWorkerTransport(HttpClient client) {
        this.client = client;
    }

    /** Starts a client whose per-origin connection pools fit the given workers; https with the JDK's CAs. */
    public static HttpWorkerTransport start(Collection<Worker> workers, Duration connectTimeout) {
        return start(workers, connectTimeout, null);
    }

    /**
     * Starts a client whose per-origin connection pools fit the given workers, reaching {@code https://} ones with
     * {@code tls} (its CAs and client certificate), or the JDK's defaults when null.
     */
    public static HttpWorkerTransport start(Collection<Worker> workers, Duration connectTimeout, DeliveryTlsConfig tls) {
        Map<String, Integer> connectionsByOrigin = new HashMap<>();
        for (Worker w : workers) {
            connectionsByOrigin.merge(originKey(w.url().getScheme(), w.url().getHost(), port(w)), w.maxConcurrency(),
                    Integer::sum);
        }
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setSslContextFactory(ssl(tls));
        var transport = new HttpClientTransportOverHTTP(connector);
        transport.setConnectionPoolFactory(destination -> {
            Origin origin = destination.getOrigin();
            int max = connectionsByOrigin.getOrDefault(
                    originKey(origin.getScheme(), origin.getAddress().getHost(), origin.getAddress().getPort()), 64);
            return new DuplexConnectionPool(destination, max);
        });
        HttpClient client = new HttpClient(transport);
        // The client's own callbacks never block (they complete a future the request's virtual thread waits on),
        // so platform threads serve them without a virtual-thread hop per response.
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("worker-client");
        client.setExecutor(threads);
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectTimeout.toMillis());
        client.setIdleTimeout(60_000);
        // The dispatcher never sends more than max_concurrency at once per worker; while a burst opens connections
        // those requests wait in the destination's queue, which must hold them all rather than reject some.
        int largestOrigin = connectionsByOrigin.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, largestOrigin));
        client.setUserAgentField(null);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the worker HTTP client", e);
        }
        return new HttpWorkerTransport(client);
    }

    /** Host names are verified whatever the configuration: the client factory's HTTPS identification stays on. */
    private static SslContextFactory.Client ssl(DeliveryTlsConfig tls) {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        if (tls != null) {
            if (tls.ca() != null) {
                ssl.setTrustStore(tls.trustStore());
            }
            if (tls.cert() != null) {
                ssl.setKeyStore(tls.keyStore());
                ssl.setKeyStorePassword(KeyStores.PASSWORD);
            }
        }
        return ssl;
    }

    private static int port(Worker w) {
        int p = w.url().getPort();
        return p > 0 ? p : ("https".equalsIgnoreCase(w.url().getScheme()) ? 443 : 80);
    }

    private static String originKey(String scheme, String host, int port) {
        return scheme.toLowerCase() + "://" + host.toLowerCase() + ":" + port;
    }

    @Override
    public Outcome send(Worker worker, AttemptRequest attempt, Duration timeout) {
        Message message = attempt.message();
        var request = client.newRequest(worker.url())
                .method(HttpMethod.POST)
                .timeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)
                .headers(h -> h
                        .put("X-Request-ID", message.requestId())
                        .put("X-Switchboard-Attempt", Integer.toString(attempt.attempt()))
                        .put("traceparent", Ids.isTraceId(message.requestId()) ? Ids.traceparent(message.requestId()) : null)
                        .put(HttpHeader.ACCEPT, "application/json"))
                .body(new BytesRequestContent("application/json", body(message, attempt.attempt())));
        CompletableFuture<ContentResponse> future = new CompletableResponseListener(request, MAX_RESPONSE_BYTES).send();
        ContentResponse response;
        try {
            // Jetty enforces the timeout itself; the extra second only guards against a lost completion.
            response = future.get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            return new Outcome.Retryable(ErrorCategory.TIMEOUT, "no answer within " + timeout.toMillis() + " ms", null);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            return new Outcome.Retryable(ErrorCategory.TIMEOUT, "interrupted", null);
        } catch (ExecutionException e) {
            return failure(e.getCause(), timeout);
        }
        return classify(response);
    }

    static Outcome classify(ContentResponse response) {
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            byte[] body = response.getContent();
            if (!isJson(body)) {
                return new Outcome.Fatal(ErrorCategory.INVALID_RESPONSE, status, "worker answered " + status
                        + " with a body that is not JSON");
            }
            return new Outcome.Delivered(status, body);
        }
        Duration retryAfter = retryAfter(response.getHeaders().get(HttpHeader.RETRY_AFTER));
        if (status == 429) {
            return new Outcome.Retryable(ErrorCategory.RATE_LIMITED, "worker answered 429", retryAfter);
        }
        if (status >= 500) {
            return new Outcome.Retryable(ErrorCategory.HTTP_5XX, "worker answered " + status, retryAfter);
        }
        if (status >= 400) {
            return new Outcome.Fatal(ErrorCategory.HTTP_4XX, status, "worker answered " + status);
        }
        return new Outcome.Fatal(ErrorCategory.INVALID_RESPONSE, status, "worker answered unexpected status " + status);
    }

    private static Outcome failure(Throwable cause, Duration timeout) {
        if (cause instanceof TimeoutException) {
            return new Outcome.Retryable(ErrorCategory.TIMEOUT, "no answer within " + timeout.toMillis() + " ms", null);
        }
        if (cause instanceof HttpResponseException && cause.getMessage() != null
                && cause.getMessage().contains("Buffering capacity")) {
            return new Outcome.Fatal(ErrorCategory.INVALID_RESPONSE, 200, "worker answer larger than "
                    + MAX_RESPONSE_BYTES + " bytes");
        }
        if (cause instanceof ConnectException) {
            return new Outcome.Retryable(ErrorCategory.CONNECT, "connection refused", null);
        }
        return new Outcome.Retryable(ErrorCategory.CONNECT, "connection failed: " + cause, null);
    }

    /** Parses {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 3600));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    /** Checks that the body is exactly one well-formed JSON value without building it. */
    static boolean isJson(byte[] body) {
        if (body.length == 0) {
            return false;
        }
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The envelope as the worker sees it: the producer's fields plus id, class, priority and attempt. */
    static byte[] body(Message message, int attempt) {
        Envelope e = message.envelope();
        var out = new ByteArrayOutputStream(256 + e.text().length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", message.id());
            g.writeStringField("class", message.className());
            g.writeStringField("priority", message.priority().name());
            g.writeNumberField("attempt", attempt);
            EnvelopeCodec.writeFields(g, e);
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the worker HTTP client", e);
        }
    }
}
