package io.switchboard.complete;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/** Somewhere completion events go. A send may block (bounded by the sink's own timeout) and never throws. */
public interface EventSink extends AutoCloseable {

    /** How a send ended. */
    sealed interface Result {
        record Sent() implements Result {
        }

        /** Not now; the same event is sent again later. */
        record Failed(String detail) implements Result {
        }

        /** Never: the receiver refuses this event, so it is dropped (logged). */
        record Refused(String detail) implements Result {
        }

        Result SENT = new Sent();
    }

    /** The sink's name in logs and metrics. */
    String name();

    /** Sends one event (a JSON object). */
    Result send(byte[] event);

    @Override
    default void close() {
    }

    /** A sink that writes every event as one INFO line on logger {@code switchboard.events}. */
    static EventSink log(String name) {
        Logger log = LoggerFactory.getLogger("switchboard.events");
        return new EventSink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result send(byte[] event) {
                log.atInfo().addKeyValue("event", "completion_event").addKeyValue("sink", name)
                        .log("{}", new String(event, StandardCharsets.UTF_8));
                return Result.SENT;
            }
        };
    }
}
