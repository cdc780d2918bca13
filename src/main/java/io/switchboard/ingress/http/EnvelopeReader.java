package io.switchboard.ingress.http;

import io.switchboard.admission.EnvelopeParser;
import io.switchboard.admission.InvalidEnvelope;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a request's body as an envelope: content type, size limit, then the parser's checks. The body must arrive in
 * full within {@code server.read_timeout_ms} (see {@link BodyReader}).
 */
final class EnvelopeReader {

    /** How much of a refused body is read and dropped so the client sees the answer instead of a reset. */
    private static final long DISCARD_LIMIT = 16L * 1024 * 1024;

    /** The envelope, or the problem to answer instead. */
    sealed interface Read {
        record Envelope(io.switchboard.message.Envelope envelope) implements Read {
        }

        /** @param closeConnection whether the rest of the body was left unread, so the connection must close */
        record Refused(Problem problem, boolean closeConnection) implements Read {
        }
    }

    private final EnvelopeParser parser;
    private final long maxBodyBytes;
    private final long readTimeoutMs;

    EnvelopeReader(EnvelopeParser parser, long maxBodyBytes, long readTimeoutMs) {
        this.parser = parser;
        this.maxBodyBytes = maxBodyBytes;
        this.readTimeoutMs = readTimeoutMs;
    }

    /** @param knownClass the classes an explicit {@code class} may name, as {@link EnvelopeParser#parse} takes them */
    Read read(Request request, Predicate<String> knownClass) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!isJson(type)) {
            return refuse(request, deadline, Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "send the envelope as application/json (UTF-8)" + (type == null ? "; no Content-Type was given"
                            : ", not " + type)));
        }
        if (request.getLength() > maxBodyBytes) {
            return refuse(request, deadline, tooLarge());
        }
        return switch (BodyReader.read(request, maxBodyBytes, deadline)) {
            case BodyReader.Body.Complete body -> switch (parser.parse(body.bytes(), knownClass)) {
                case EnvelopeParser.Result.Valid v -> new Read.Envelope(v.envelope());
                case EnvelopeParser.Result.Invalid i -> new Read.Refused(invalid(i.problem()), false);
            };
            case BodyReader.Body.TooLarge t -> refuse(request, deadline, tooLarge());
            case BodyReader.Body.TimedOut t -> new Read.Refused(Problem.of(408, "request-timeout", "Request Timeout",
                    "the request body did not arrive in full within server.read_timeout_ms (" + readTimeoutMs
                            + " ms)"), true);
            case BodyReader.Body.Broken b -> new Read.Refused(Problem.of(400, "malformed-body",
                    "Malformed Request Body", "the request body ended before it was complete"), true);
        };
    }

    /**
     * Refuses a body. Clients that are still uploading often miss an early answer (the connection is reset under
     * them), so up to {@link #DISCARD_LIMIT} bytes of the rest are read and dropped first, within the read deadline;
     * beyond that (or when the declared length is larger) the connection is closed after the answer.
     */
    private static Read refuse(Request request, long deadline, Problem problem) throws InterruptedException {
        boolean drained = request.getLength() <= DISCARD_LIMIT && BodyReader.discard(request, DISCARD_LIMIT, deadline);
        return new Read.Refused(problem, !drained);
    }

    private Problem tooLarge() {
        return Problem.of(413, "body-too-large", "Content Too Large",
                "the request body exceeds server.max_body_bytes (" + maxBodyBytes + " bytes)");
    }

    private static Problem invalid(InvalidEnvelope e) {
        Problem p = e.status() == 400
                ? Problem.of(400, "malformed-body", "Malformed Request Body", e.detail())
                : Problem.of(422, "invalid-envelope", "Invalid Envelope", e.detail());
        if (!e.errors().isEmpty()) {
            p = p.with("errors", e.errors().stream()
                    .map(f -> Map.of("field", f.field(), "reason", f.reason())).toList());
        }
        return p;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        String media = parts[0].trim();
        if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("charset=")) {
                String cs = p.substring(8).replace("\"", "").trim();
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    return false;
                }
            }
        }
        return true;
    }
}
