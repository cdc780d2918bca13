package io.switchboard.cli;

import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM and SIGINT into a normal return from {@link #awaitSignal()}, so the engine drains on the main
 * thread and the process exits 0 (a JVM killed by a signal would exit 143 and race its shutdown hooks); and SIGHUP
 * into a configuration reload.
 */
final class Shutdown {

    private Shutdown() {
    }

    /**
     * Runs {@code reload} on SIGHUP, off the signal thread, one at a time; where the platform has no SIGHUP,
     * {@code POST /v1/admin/reload} remains.
     */
    static void onReloadSignal(Runnable reload) {
        // One reload running and one waiting at most: a waiting one reads the file as it is by then anyway.
        ThreadPoolExecutor reloads = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1),
                Thread.ofPlatform().name("reload-signal").daemon().factory(), new ThreadPoolExecutor.DiscardPolicy());
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> reloads.execute(() -> {
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(Shutdown.class).warn("reload on SIGHUP failed", e);
                }
            }));
        } catch (IllegalArgumentException unsupported) {
            reloads.shutdown();
        }
    }

    static void awaitSignal() throws InterruptedException {
        CountDownLatch signalled = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> signalled.countDown());
            } catch (IllegalArgumentException unsupported) {
                // Signal not available on this platform; the shutdown hook below still stops the engine.
            }
        }
        Thread hook = new Thread(signalled::countDown, "shutdown-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        signalled.await();
    }
}
