package io.switchboard.ingress.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;

/** Makes errors Jetty raises itself (malformed HTTP, oversized headers, failures) problem+json, never HTML or stacks. */
final class ProblemErrorHandler extends ErrorHandler {

    private static final String UNSUPPORTED_VERSION = "unsupported HTTP version; send HTTP/1.1 or HTTP/2";

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        if (code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505) {
            // HTTP/0.9, a garbled or unknown version: a malformed request like any other, so 400, never a 5xx.
            code = HttpStatus.BAD_REQUEST_400;
            message = UNSUPPORTED_VERSION;
            response.setStatus(code);
        }
        Problem p = Problem.of(code, slugFor(code), HttpStatus.getMessage(code), safe(message, code));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(p.toJson(request.getHttpURI().getPath(), null)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.CONTENT_TYPE);
        Problem p = Problem.of(status, slugFor(status), HttpStatus.getMessage(status), safe(reason, status));
        return ByteBuffer.wrap(p.toJson(null, null));
    }

    private static String safe(String message, int code) {
        // Jetty's messages can name internal classes; keep only short, plain ones.
        if (message == null || message.length() > 200 || message.contains("Exception") || message.contains("\n")) {
            return HttpStatus.getMessage(code);
        }
        return message;
    }

    private static String slugFor(int code) {
        return switch (code) {
            case 400 -> "bad-request";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "body-too-large";
            case 414 -> "uri-too-long";
            case 415 -> "unsupported-media-type";
            case 431 -> "headers-too-large";
            case 503 -> "unavailable";
            default -> code >= 500 ? "internal" : "http-" + code;
        };
    }
}
