package io.switchboard.observe.alert;

import io.switchboard.observe.alert.AlertRules.Breach;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of every alert as an immutable value: pending since when, or firing since when. {@link #next} applies
 * one evaluation's breaches and says which alerts changed, so each alert fires once after its hold time and resolves
 * once, however many evaluations it spans.
 */
final class AlertStates {

    /** One alert: its kind and its labels. */
    record Key(AlertKind kind, Map<String, String> labels) {
        Key {
            labels = Map.copyOf(labels);
        }
    }

    private record State(long pendingSinceNanos, Alert firing) {
    }

    /** The states after an evaluation and the notices it produced. */
    record Step(AlertStates states, List<AlertNotice> notices) {
    }

    static final AlertStates EMPTY = new AlertStates(Map.of());

    private final Map<Key, State> states;

    private AlertStates(Map<Key, State> states) {
        this.states = Map.copyOf(states);
    }

    Step next(List<Breach> breaches, long nowNanos, long nowMillis) {
        Instant now = Instant.ofEpochMilli(nowMillis);
        Map<Key, State> next = new HashMap<>();
        List<AlertNotice> notices = new ArrayList<>();
        for (Breach b : breaches) {
            Key key = new Key(b.kind(), b.labels());
            State before = states.get(key);
            long since = before == null ? nowNanos : before.pendingSinceNanos();
            Alert firing = before == null ? null : before.firing();
            if (firing != null) {
                // Still firing: keep the start, follow the value, tell nobody.
                firing = new Alert(firing.name(), firing.severity(), firing.labels(), b.value(), b.summary(),
                        firing.runbookUrl(), firing.startedAt());
            } else if (nowNanos - since >= b.kind().holdNanos()) {
                firing = new Alert(b.kind().alertName(), b.kind().severity(), b.labels(), b.value(), b.summary(),
                        b.kind().runbookUrl(), now);
                notices.add(new AlertNotice(AlertNotice.Status.FIRING, firing, now));
            }
            next.put(key, new State(since, firing));
        }
        for (var e : states.entrySet()) {
            if (!next.containsKey(e.getKey()) && e.getValue().firing() != null) {
                notices.add(new AlertNotice(AlertNotice.Status.RESOLVED, e.getValue().firing(), now));
            }
        }
        return new Step(new AlertStates(next), List.copyOf(notices));
    }

    /** The alerts firing now. */
    List<Alert> firing() {
        return states.values().stream().map(State::firing).filter(a -> a != null)
                .sorted(java.util.Comparator.comparing(Alert::name).thenComparing(a -> a.labels().toString()))
                .toList();
    }
}
