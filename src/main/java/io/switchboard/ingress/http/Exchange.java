package io.switchboard.ingress.http;

import io.switchboard.ingress.IngressMetrics;
import io.switchboard.message.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** One request/response pair: answers exactly once, counts refusals, and says when it is done. */
final class Exchange {

    private static final String JSON_TYPE = "application/json";

    final Request request;
    final Response response;
    final String requestId;
    private final Callback callback;
    private final IngressMetrics metrics;
    private final Runnable finished;
    private boolean answered;

    /** @param finished run once the answer is written (or its writing failed) */
    Exchange(Request request, Response response, Callback callback, String requestId, IngressMetrics metrics,
             Runnable finished) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.requestId = requestId;
        this.metrics = metrics;
        this.finished = finished;
    }

    void json(int status, Object body) {
        try {
            raw(status, JSON_TYPE, Json.mapper().writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void page(DashboardRoutes.Page p) {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        raw(p.status(), p.contentType(), p.body());
    }

    void problem(Problem p) {
        IngressMetrics.Rejection rejection = Rejections.of(p);
        if (rejection != null) {
            metrics.rejected(rejection);
        }
        raw(p.status(), Problem.CONTENT_TYPE, p.toJson(request.getHttpURI().getPath(), requestId));
    }

    /** An answer without a body, e.g. 204. */
    void empty(int status) {
        if (answered) {
            return;
        }
        answered = true;
        response.setStatus(status);
        response.write(true, ByteBuffer.allocate(0), Callback.from(this::done, t -> done()));
    }

    void raw(int status, String contentType, byte[] body) {
        if (answered) {
            return;
        }
        answered = true;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(body), Callback.from(this::done, t -> done()));
    }

    private void done() {
        callback.succeeded();
        finished.run();
    }
}
