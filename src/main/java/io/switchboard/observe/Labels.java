package io.switchboard.observe;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.config.WorkerConfig;
import io.switchboard.message.Priority;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The only label values metrics may carry: class, pool and worker names from the configuration, and lower-case enum
 * names. Anything else becomes {@value #OTHER}, so no request can ever create a new series.
 */
final class Labels {

    static final String OTHER = "other";

    private static final String[] PRIORITIES = new String[Priority.values().length];

    static {
        for (Priority p : Priority.values()) {
            PRIORITIES[p.ordinal()] = p.name().toLowerCase(Locale.ROOT);
        }
    }

    /** Grows on a configuration reload (a class once named keeps its label); replaced whole, read without a lock. */
    private volatile Map<String, String> classes;
    private final Map<String, String> pools;
    private final Map<String, String> workers;

    private Labels(Map<String, String> classes, Map<String, String> pools, Map<String, String> workers) {
        this.classes = Map.copyOf(classes);
        this.pools = Map.copyOf(pools);
        this.workers = Map.copyOf(workers);
    }

    static Labels of(SwitchboardConfig config) {
        Map<String, String> classes = new HashMap<>();
        putClasses(classes, config);
        Map<String, String> pools = new HashMap<>();
        Map<String, String> workers = new HashMap<>();
        config.pools().forEach((name, pool) -> {
            pools.put(name, name);
            for (WorkerConfig w : pool.workers()) {
                workers.put(w.id(), w.id());
            }
        });
        return new Labels(classes, pools, workers);
    }

    /** Makes the classes of a reloaded {@code config} label values too; those of earlier editions stay. */
    synchronized void addClasses(SwitchboardConfig config) {
        Map<String, String> grown = new HashMap<>(classes);
        putClasses(grown, config);
        classes = Map.copyOf(grown);
    }

    /** The class names {@code config} can assign, the default class included. */
    private static void putClasses(Map<String, String> classes, SwitchboardConfig config) {
        config.classes().forEach(c -> classes.put(c.name(), c.name()));
        classes.put(config.defaultClass(), config.defaultClass());
    }

    String className(String name) {
        return name == null ? OTHER : classes.getOrDefault(name, OTHER);
    }

    String pool(String name) {
        return name == null ? OTHER : pools.getOrDefault(name, OTHER);
    }

    String worker(String id) {
        return id == null ? OTHER : workers.getOrDefault(id, OTHER);
    }

    static String priority(Priority priority) {
        return PRIORITIES[priority.ordinal()];
    }

    Iterable<String> classNames() {
        return classes.keySet();
    }
}
