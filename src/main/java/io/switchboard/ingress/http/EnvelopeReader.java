package io.switchboard.ingress.http;

import io.switchboard.admission.EnvelopeParser;
import io.switchboard.admission.InvalidEnvelope;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;

/** Reads a request's body as an envelope: content type, size limit, then the parser's checks. */
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

    EnvelopeReader(EnvelopeParser parser, long maxBodyBytes) {
        this.parser = parser;
        this.maxBodyBytes = maxBodyBytes;
    }

    Read read(Request request) throws IOException {
        InputStream in = Request.asInputStream(request);
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (!isJson(type)) {
            return refuse(in, Problem.of(415, "unsupported-media-type", "Unsupported Media Type",
                    "send the envelope as application/json (UTF-8)" + (type == null ? "; no Content-Type was given"
                            : ", not " + type)));
        }
        long declared = request.getLength();
        byte[] body = declared > maxBodyBytes ? null : readLimited(in, declared, maxBodyBytes);
        if (body == null) {
            return refuse(in, tooLarge());
        }
        return switch (parser.parse(body)) {
            case EnvelopeParser.Result.Valid v -> new Read.Envelope(v.envelope());
            case EnvelopeParser.Result.Invalid i -> new Read.Refused(invalid(i.problem()), false);
        };
    }

    /**
     * Refuses a body. Clients that are still uploading often miss an early answer (the connection is reset under
     * them), so up to {@link #DISCARD_LIMIT} bytes of the rest are read and dropped first; beyond that the
     * connection is closed after the answer.
     */
    private static Read refuse(InputStream in, Problem problem) throws IOException {
        long left = DISCARD_LIMIT;
        byte[] sink = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) != -1) {
            left -= n;
        }
        return new Read.Refused(problem, left <= 0);
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

    /** Reads at most {@code limit} bytes; null when there are more. A declared length is read in one piece. */
    private static byte[] readLimited(InputStream in, long declared, long limit) throws IOException {
        if (declared >= 0) {
            byte[] body = in.readNBytes((int) declared);
            return in.read() == -1 ? body : null;
        }
        var out = new ByteArrayOutputStream((int) Math.min(limit, 8192));
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

}
