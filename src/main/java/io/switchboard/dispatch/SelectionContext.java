package io.switchboard.dispatch;

import java.util.Set;

/**
 * What a selector may know about the message being placed.
 *
 * @param affinityKey the value that keeps a message sticky under consistent hashing, or null
 * @param avoid       workers not to pick (e.g. the one that just failed this message); never null
 */
public record SelectionContext(String affinityKey, Set<Worker> avoid) {

    private static final SelectionContext NONE = new SelectionContext(null, Set.of());

    public SelectionContext {
        avoid = avoid == null ? Set.of() : avoid;
    }

    public static SelectionContext none() {
        return NONE;
    }

    /** Whether {@code w} may be picked: usable now and not avoided. */
    public boolean admits(Worker w) {
        return w.isUsable() && (avoid.isEmpty() || !avoid.contains(w));
    }
}
