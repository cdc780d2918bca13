package io.switchboard;

import io.switchboard.config.ConfigDiff;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigProblem;
import io.switchboard.config.ConfigSource;
import io.switchboard.config.InvalidValueException;
import io.switchboard.config.SwitchboardConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Reads the configuration again and applies it while the engine runs, all or nothing: when only the classes, the
 * default class, the routes or {@code auth} changed, the next request meets the new rules; when anything else changed
 * (pools, workers, the store, the listener...), nothing is applied and the answer names what needs a restart.
 */
public final class ConfigReload {

    private static final Logger LOG = LoggerFactory.getLogger("switchboard.admin");

    /** How a reload ended. */
    public sealed interface Outcome {

        /** Every outcome's {@link #label()}. */
        List<String> LABELS = List.of("applied", "unchanged", "invalid", "restart_required", "no_source");

        /** The outcome's name, as logs and the metric's {@code outcome} label say it. */
        String label();

        /** Whether the engine now runs what its file says (it applied it, or had it already). */
        default boolean accepted() {
            return false;
        }

        /** The new edition {@code version} is in force; {@code changed} are the key paths that differ. */
        record Applied(long version, List<String> changed) implements Outcome {
            @Override
            public String label() {
                return "applied";
            }

            @Override
            public boolean accepted() {
                return true;
            }
        }

        /** The configuration says what is in force already. */
        record Unchanged(long version) implements Outcome {
            @Override
            public String label() {
                return "unchanged";
            }

            @Override
            public boolean accepted() {
                return true;
            }
        }

        /** The configuration does not load: nothing changed. */
        record Invalid(List<ConfigProblem> problems) implements Outcome {
            @Override
            public String label() {
                return "invalid";
            }
        }

        /** The configuration changes {@code keys} that only a restart applies: nothing changed. */
        record RestartRequired(List<String> keys, List<String> reloadable) implements Outcome {
            @Override
            public String label() {
                return "restart_required";
            }
        }

        /** The engine was built from a configuration in memory, with no file to read again. */
        record NoSource() implements Outcome {
            @Override
            public String label() {
                return "no_source";
            }
        }
    }

    private final ConfigSource source;
    private final Rulebook rules;
    private final BiFunction<SwitchboardConfig, Rulebook.Edition, Rulebook.Edition> editions;
    private final Consumer<Outcome> observer;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * @param source   where to read the configuration again; null when there is none
     * @param editions builds the edition of a configuration, given the one in force (whose rate limits it carries on)
     * @param observer hears every outcome (for metrics)
     */
    ConfigReload(ConfigSource source, Rulebook rules,
                 BiFunction<SwitchboardConfig, Rulebook.Edition, Rulebook.Edition> editions, Consumer<Outcome> observer) {
        this.source = source;
        this.rules = rules;
        this.editions = editions;
        this.observer = observer;
    }

    /** Where the configuration is read from, or null. */
    public String sourceName() {
        return source == null ? null : source.name();
    }

    /** Reads the configuration and applies it if it may be; one reload at a time. */
    public Outcome reload() {
        lock.lock();
        try {
            Outcome outcome = attempt();
            log(outcome);
            try {
                observer.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("reload observer failed; ignoring", e);
            }
            return outcome;
        } finally {
            lock.unlock();
        }
    }

    private Outcome attempt() {
        if (source == null) {
            return new Outcome.NoSource();
        }
        SwitchboardConfig next;
        try {
            next = source.load();
        } catch (ConfigException e) {
            return new Outcome.Invalid(e.problems());
        }
        Rulebook.Edition current = rules.current();
        List<String> changed = ConfigDiff.changedKeys(current.config(), next);
        if (changed.isEmpty()) {
            return new Outcome.Unchanged(current.version());
        }
        List<String> fixed = changed.stream().filter(k -> !SwitchboardConfig.RELOADABLE.contains(topLevel(k))).toList();
        if (!fixed.isEmpty()) {
            return new Outcome.RestartRequired(fixed, changed.stream().filter(k -> !fixed.contains(k)).toList());
        }
        Rulebook.Edition edition;
        try {
            edition = editions.apply(next, current);
        } catch (InvalidValueException e) {
            return new Outcome.Invalid(List.of(new ConfigProblem(source.name(), e.key(), e.reason())));
        } catch (IllegalArgumentException e) {
            return new Outcome.Invalid(List.of(new ConfigProblem(source.name(), "", e.getMessage())));
        }
        rules.publish(edition);
        return new Outcome.Applied(edition.version(), changed);
    }

    private static String topLevel(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? key : key.substring(0, dot);
    }

    private void log(Outcome outcome) {
        switch (outcome) {
            case Outcome.Applied a -> {
                LOG.atInfo().addKeyValue("event", "config_reloaded").addKeyValue("version", a.version())
                        .addKeyValue("changed", a.changed()).addKeyValue("file", source.name())
                        .log("configuration reloaded: version {}, changed {}", a.version(), a.changed());
                if (!rules.current().auth().enabled()) {
                    LOG.atWarn().addKeyValue("event", "auth_disabled").log("authentication is off after the reload "
                            + "(auth.mode: disabled): every endpoint is open to anyone who can reach the listener");
                }
            }
            case Outcome.Unchanged u -> LOG.atInfo().addKeyValue("event", "config_unchanged")
                    .addKeyValue("version", u.version()).addKeyValue("file", source.name())
                    .log("configuration reload: nothing changed");
            case Outcome.Invalid i -> LOG.atWarn().addKeyValue("event", "config_reload_refused")
                    .addKeyValue("reason", "invalid").addKeyValue("problems", i.problems().stream()
                            .map(ConfigProblem::toString).toList())
                    .log("configuration reload refused, the configuration in force stays: {}",
                            i.problems().getFirst());
            case Outcome.RestartRequired r -> LOG.atWarn().addKeyValue("event", "config_reload_refused")
                    .addKeyValue("reason", "restart_required").addKeyValue("keys", r.keys())
                    .log("configuration reload refused, the configuration in force stays: {} change only with a "
                            + "restart", r.keys());
            case Outcome.NoSource n -> LOG.atWarn().addKeyValue("event", "config_reload_refused")
                    .addKeyValue("reason", "no_source").log("configuration reload refused: no file to read again");
        }
    }
}
