package io.switchboard.testing;

import io.switchboard.Switchboard;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Test workers and engines that are closed after each test, newest first ({@code @RegisterExtension final TestRig
 * rig = new TestRig();}). Engines' config files go to a temporary directory removed afterwards.
 */
public final class TestRig implements AfterEachCallback {

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Path dir;

    /** A started test worker answering 200 by default. */
    public TestWorker worker(String id) {
        return add(TestWorker.start(id));
    }

    /** A started engine on an ephemeral port built from {@code yaml} ({@code {{id}}} placeholders filled). */
    public Switchboard engine(String yaml, TestWorker... workers) {
        return add(Engines.start(dir(), yaml, workers));
    }

    /** As {@link #engine(String, TestWorker...)}, reading time from {@code ticker}. */
    public Switchboard engine(io.switchboard.time.Ticker ticker, String yaml, TestWorker... workers) {
        return add(Engines.start(ticker, dir(), yaml, workers));
    }

    /** A config file in this rig's directory, for an engine a test reconfigures by rewriting it. */
    public Engines.ConfigFile configFile(String yaml, TestWorker... workers) {
        return Engines.file(dir(), yaml, workers);
    }

    /** A started engine reading {@code file}, again on each reload. */
    public Switchboard engine(Engines.ConfigFile file) {
        return add(Engines.start(file));
    }

    /** Closes {@code resource} with the others after the test. */
    public <T extends AutoCloseable> T add(T resource) {
        resources.add(resource);
        return resource;
    }

    private Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("switchboard-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (int i = resources.size() - 1; i >= 0; i--) {
                resources.get(i).close();
            }
        } finally {
            resources.clear();
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
                dir = null;
            }
        }
    }
}
