package io.switchboard.complete.webhook;

import io.switchboard.complete.EventSink;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts each event as {@code application/json} to a URL. 2xx is sent; 408, 429, 5xx and connection errors are tried
 * again later; any other answer means the receiver refuses the event.
 */
public final class WebhookSink implements EventSink {

    private final String name;
    private final URI uri;
    private final Duration timeout;
    private final HttpClient client;

    private WebhookSink(String name, URI uri, Duration timeout) {
        this.name = name;
        this.uri = uri;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    public static WebhookSink create(String name, URI uri, Duration timeout) {
        return new WebhookSink(name, uri, timeout);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Result send(byte[] event) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "switchboard-events")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                .build();
        try {
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 == 2) {
                return Result.SENT;
            }
            // Only the host: the rest of a webhook URL is often its secret.
            String detail = "webhook at " + uri.getHost() + " answered HTTP " + status;
            return status == 408 || status == 429 || status >= 500 ? new Result.Failed(detail) : new Result.Refused(detail);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result.Failed("interrupted");
        } catch (Exception e) {
            return new Result.Failed("webhook at " + uri.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
