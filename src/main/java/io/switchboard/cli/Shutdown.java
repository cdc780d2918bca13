package io.switchboard.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGTERM and SIGINT into a normal return from {@link #awaitSignal()}, so the engine drains on the main
 * thread and the process exits 0 (a JVM killed by a signal would exit 143 and race its shutdown hooks).
 */
final class Shutdown {

    private Shutdown() {
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
