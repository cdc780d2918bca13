package io.switchboard.demo;

import io.switchboard.time.Ticker;

import java.net.URI;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A steady, gentle stream of realistic prompts POSTed to the engine's {@code /v1/route}, for the demo.
 * It never throws on a failed request: it counts it, and backs off while the engine is unreachable.
 */
public interface TrafficGenerator extends AutoCloseable {

    /** A generator against {@code http://127.0.0.1:<enginePort>/v1/route} with the default, gentle settings. */
    static TrafficGenerator forEngine(int enginePort) {
        return create(URI.create("http://127.0.0.1:" + enginePort + "/v1/route"), TrafficSettings.defaults(),
                new SplittableRandom(), Ticker.system());
    }

    /** A generator against {@code target}; prompts and request ids come from {@code random}. */
    static TrafficGenerator create(URI target, TrafficSettings settings, RandomGenerator random, Ticker ticker) {
        return new HttpTrafficGenerator(target, settings, random, ticker);
    }

    /** Starts sending; does nothing when already running. */
    void start();

    /** Stops sending and waits briefly for outstanding requests; may be started again afterwards. */
    void stop();

    boolean isRunning();

    TrafficStats stats();

    /** Same as {@link #stop()}. */
    @Override
    void close();
}
