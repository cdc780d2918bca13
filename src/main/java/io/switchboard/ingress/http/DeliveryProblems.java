package io.switchboard.ingress.http;

import io.switchboard.deliver.DeliveryResult;
import io.switchboard.message.Message;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

import java.util.LinkedHashMap;
import java.util.Map;

/** Maps a failed delivery to its HTTP answer: 429 overload, 503 no worker, 504 deadline, 502 worker failure. */
final class DeliveryProblems {

    private DeliveryProblems() {
    }

    static Problem of(Message message, DeliveryResult.Failure f, HttpFields.Mutable headers) {
        Problem p = switch (f.category()) {
            case OVERLOAD -> {
                headers.put(HttpHeader.RETRY_AFTER, "1");
                yield Problem.of(429, "overloaded", "Too Many Requests", f.detail());
            }
            case NO_WORKER -> {
                headers.put(HttpHeader.RETRY_AFTER, "5");
                yield Problem.of(503, "no-worker", "No Healthy Worker", f.detail());
            }
            case SHUTDOWN -> {
                headers.put(HttpHeader.RETRY_AFTER, "1");
                yield Problem.of(503, "draining", "Service Unavailable", f.detail());
            }
            case EXPIRED -> Problem.of(504, "deadline-exceeded", "Deadline Exceeded", f.detail());
            default -> Problem.of(502, "worker-failed", "Worker Failed", f.detail());
        };
        p = p.with("id", message.id())
                .with("class", message.className())
                .with("pool", f.pool())
                .with("attempts", f.attempts())
                .with("error_category", f.category().label());
        if (!f.failures().isEmpty()) {
            p = p.with("failures", f.failures().stream().map(a -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("attempt", a.attempt());
                m.put("pool", a.pool());
                m.put("worker", a.worker());
                m.put("error_category", a.category().label());
                m.put("detail", a.detail());
                return m;
            }).toList());
        }
        return p;
    }
}
