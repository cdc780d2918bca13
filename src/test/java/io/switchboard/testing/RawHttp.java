package io.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@link java.net.http.HttpClient} refuses to send: bare CR or LF in headers,
 * conflicting lengths, bodies that stop. Every read has a socket timeout; nothing here sleeps.
 */
public final class RawHttp {

    /** Longest answer kept; the rest is read and dropped. */
    private static final int KEEP = 64 * 1024;

    private RawHttp() {
    }

    /**
     * What came back: the status from the status line (-1 when the connection closed or timed out without one), the
     * header section, and whether the socket timed out before the server closed it.
     */
    public record Answer(int status, String head, boolean timedOut) {

        /** Whether the header section names {@code header} (case-insensitive), e.g. an injected one. */
        public boolean hasHeader(String header) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(header)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** How the client ends its side after writing. */
    public enum Ending {
        /** Keeps its side open and reads until the server closes. */
        WAIT,
        /** Shuts its output down (a FIN), as a client that stops mid-body and goes away. */
        HANG_UP
    }

    /** A request with {@code Host} and {@code Connection: close}, the given headers, and a Content-Length body. */
    public static byte[] request(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        return concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body == null ? new byte[0] : body);
    }

    public static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Sends {@code bytes} on a new connection and reads the answer until the server closes or {@code timeoutMs}. */
    public static Answer exchange(int port, byte[] bytes, Ending ending, int timeoutMs) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(timeoutMs);
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                if (ending == Ending.HANG_UP) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer and close before taking everything (an oversized head): read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    /**
     * Reads an answer: one response after any interim (1xx) ones, up to the end of its Content-Length body or its
     * last chunk, else until end of stream; or until the socket's timeout.
     */
    public static Answer read(InputStream in) throws IOException {
        var kept = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        boolean timedOut = false;
        try {
            int n;
            while (!complete(kept.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buf)) != -1) {
                if (kept.size() < KEEP) {
                    kept.write(buf, 0, Math.min(n, KEEP - kept.size()));
                }
            }
        } catch (SocketTimeoutException e) {
            timedOut = true;
        } catch (IOException e) {
            // A reset after the answer (the server closed with unread input): keep what arrived.
        }
        String text = kept.toString(StandardCharsets.ISO_8859_1);
        while (text.startsWith("HTTP/1.1 1") && text.contains("\r\n\r\n")) {
            text = text.substring(text.indexOf("\r\n\r\n") + 4);
        }
        return parse(text, timedOut);
    }

    /** Whether {@code text} holds a whole final response, so a kept-alive connection need not be waited out. */
    private static boolean complete(String text) {
        while (text.startsWith("HTTP/1.1 1") && text.contains("\r\n\r\n")) {
            text = text.substring(text.indexOf("\r\n\r\n") + 4);
        }
        int end = text.indexOf("\r\n\r\n");
        if (end < 0 || text.length() >= KEEP) {
            return text.length() >= KEEP;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        String body = text.substring(end + 4);
        for (String line : head.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                try {
                    return body.length() >= Long.parseLong(line.substring(15).trim());
                } catch (NumberFormatException e) {
                    return false;
                }
            }
            if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                return body.endsWith("0\r\n\r\n");
            }
        }
        return false;
    }

    private static Answer parse(String text, boolean timedOut) {
        int end = text.indexOf("\r\n\r\n");
        String head = end < 0 ? text : text.substring(0, end);
        int status = -1;
        if (head.startsWith("HTTP/1.") && head.length() >= 12) {
            try {
                status = Integer.parseInt(head.substring(9, 12));
            } catch (NumberFormatException e) {
                // not a status line
            }
        }
        return new Answer(status, head, timedOut);
    }
}
