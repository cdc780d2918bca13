package io.switchboard.ingress.http;

import org.eclipse.jetty.io.Content;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body from Jetty's content source against one deadline for the whole body. Jetty's idle timeout
 * restarts with every byte, so a client trickling one byte at a time could otherwise hold a request (and its
 * in-flight slot) indefinitely; here the body arrives in full by {@code server.read_timeout_ms} or the read ends.
 */
final class BodyReader {

    /** How a read ended. */
    sealed interface Body {
        /** The whole body. */
        record Complete(byte[] bytes) implements Body {
        }

        /** More than the limit arrived; the rest is unread. */
        record TooLarge() implements Body {
        }

        /** The deadline passed before the body ended; the rest is unread. */
        record TimedOut() implements Body {
        }

        /** The body broke off: the client closed its connection mid-body or sent malformed framing. */
        record Broken() implements Body {
        }
    }

    private BodyReader() {
    }

    /** Reads at most {@code limit} bytes of body by {@code deadline} ({@link System#nanoTime()} units). */
    static Body read(Content.Source source, long limit, long deadline) throws InterruptedException {
        var out = new ByteArrayOutputStream((int) Math.min(limit, 8192));
        long total = 0;
        while (true) {
            Content.Chunk chunk = next(source, deadline);
            if (chunk == null) {
                return new Body.TimedOut();
            }
            if (Content.Chunk.isFailure(chunk)) {
                return failed(chunk);
            }
            boolean last = chunk.isLast();
            try {
                ByteBuffer bytes = chunk.getByteBuffer();
                total += bytes.remaining();
                if (total > limit) {
                    return new Body.TooLarge();
                }
                copy(bytes, out);
            } finally {
                chunk.release();
            }
            if (last) {
                return new Body.Complete(out.toByteArray());
            }
        }
    }

    /** Reads and drops at most {@code limit} bytes of body by {@code deadline}; whether the body ended in that. */
    static boolean discard(Content.Source source, long limit, long deadline) throws InterruptedException {
        long left = limit;
        while (left >= 0) {
            Content.Chunk chunk = next(source, deadline);
            if (chunk == null || Content.Chunk.isFailure(chunk)) {
                return false;
            }
            boolean last = chunk.isLast();
            left -= chunk.remaining();
            chunk.release();
            if (last) {
                return left >= 0;
            }
        }
        return false;
    }

    /** The next chunk, waiting for one until the deadline; null when it passed. */
    private static Content.Chunk next(Content.Source source, long deadline) throws InterruptedException {
        while (true) {
            Content.Chunk chunk = source.read();
            if (chunk != null) {
                return chunk;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            CompletableFuture<Void> ready = new CompletableFuture<>();
            source.demand(() -> ready.complete(null));
            try {
                ready.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a demand callback cannot fail", e);
            }
        }
    }

    private static Body failed(Content.Chunk failure) {
        // Jetty's own idle timeout shows up as a (transient) timeout failure: the same outcome as our deadline.
        for (Throwable t = failure.getFailure(); t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return new Body.TimedOut();
            }
        }
        return new Body.Broken();
    }

    private static void copy(ByteBuffer bytes, ByteArrayOutputStream out) {
        if (bytes.hasArray()) {
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            out.writeBytes(copy);
        }
    }
}
