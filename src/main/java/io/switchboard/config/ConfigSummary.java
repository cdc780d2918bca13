package io.switchboard.config;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Renders a configuration as the compact text that {@code switchboard check} prints: what the engine would build. It
 * never shows a credential: URLs lose their passwords and queries (webhooks and Redis show only their hosts), and
 * TLS sections name their files, not the key password.
 */
public final class ConfigSummary {

    private ConfigSummary() {
    }

    public static String render(SwitchboardConfig config) {
        StringBuilder out = new StringBuilder();
        ServerConfig server = config.server();
        line(out, 0, "server    %s:%d  max body %d bytes, drain %d ms, at most %d requests in flight", server.host(),
                server.port(), server.maxBodyBytes(), server.drainTimeoutMs(), server.maxInFlight());
        if (server.tls() != null) {
            line(out, 1, "https (HTTP/1.1 over TLS): certificate %s, key %s%s", server.tls().cert(), server.tls().key(),
                    server.tls().keyPassword() == null ? "" : " (encrypted)");
        }
        if (server.adminPort() != null) {
            line(out, 1, "admin endpoints on %s:%d only", server.adminHost(), server.adminPort());
        }
        if (server.cors() != null) {
            CorsConfig cors = server.cors();
            line(out, 1, "cors from %s%s, preflights cached %d s", String.join(", ", cors.allowedOrigins()),
                    cors.allowCredentials() ? " with credentials" : "", cors.maxAgeS());
        }
        AuthConfig auth = config.auth();
        if (auth.enabled()) {
            line(out, 0, "auth      %s; without a key: metrics %s, dashboard %s", plural(auth.keys().size(), "API key"),
                    opening(auth.openMetrics()), opening(auth.openDashboard()));
            int keyWidth = width(auth.keys().stream().map(ApiKeyConfig::name).toList());
            for (ApiKeyConfig k : auth.keys()) {
                line(out, 1, "%-" + keyWidth + "s  %s%s", k.name(), String.join(", ", k.scopes()), rate(k.rateLimit()));
            }
        } else {
            line(out, 0, "auth      disabled: every endpoint is open");
        }

        line(out, 0, "classes   (default: %s)", config.defaultClass());
        int nameWidth = width(config.classes().stream().map(ClassConfig::name).toList());
        for (ClassConfig c : config.classes()) {
            List<RuleConfig> rules = c.allRules();
            int topScore = rules.stream().mapToInt(RuleConfig::score).max().orElse(0);
            line(out, 1, "%-" + nameWidth + "s  %-8s %s%s", c.name(), c.priority(), plural(rules.size(), "rule"),
                    rules.isEmpty() ? "" : ", top score " + topScore);
            for (RuleConfig r : rules) {
                line(out, 2, "%s  score %d: %s", r.name(), r.score(), describe(r));
            }
        }

        line(out, 0, "pools");
        for (Map.Entry<String, PoolConfig> pool : config.pools().entrySet()) {
            PoolConfig p = pool.getValue();
            line(out, 1, "%s  %s%s, %s%s", pool.getKey(), p.strategy(),
                    p.hashKey() == null ? "" : " by metadata '" + p.hashKey() + "'",
                    plural(p.workers().size(), "worker"), p.required() ? "" : ", optional for readiness");
            int idWidth = width(p.workers().stream().map(WorkerConfig::id).toList());
            int urlWidth = width(p.workers().stream().map(w -> shown(w.uri())).toList());
            for (WorkerConfig w : p.workers()) {
                line(out, 2, "%-" + idWidth + "s  %-" + urlWidth + "s  weight %d  max_concurrency %d%s", w.id(),
                        shown(w.uri()), w.weight(), w.maxConcurrency(), w.maxRequestsPerSecond() == null ? ""
                                : "  max %s/s, burst %d".formatted(number(w.maxRequestsPerSecond()), w.burst()));
            }
        }

        line(out, 0, "routes");
        int classWidth = width(config.routes().stream().map(RouteConfig::className).toList());
        for (RouteConfig r : config.routes()) {
            line(out, 1, "%-" + classWidth + "s -> %s%s%s", r.className(), r.pool(),
                    r.fallback() == null ? "" : " (fallback " + r.fallback() + ")", rate(r.rateLimit()));
        }

        DeliveryConfig d = config.delivery();
        line(out, 0, "delivery  timeout %d ms, %s, backoff %d..%d ms x%s, retry budget %s%% (min %d/s)",
                d.timeoutMs(), plural(d.maxAttempts(), "attempt"), d.backoff().initialMs(), d.backoff().maxMs(),
                number(d.backoff().multiplier()), number(Math.round(d.retryBudget().ratio() * 1000) / 10.0), d.retryBudget().minPerSecond());
        if (d.tls() != null) {
            DeliveryTlsConfig t = d.tls();
            line(out, 1, "https workers: trusting %s%s", t.ca() == null ? "the JDK's CAs" : "the CAs in " + t.ca(),
                    t.ca() != null && t.includeSystemCas() ? " and the JDK's" : "");
            if (t.cert() != null) {
                line(out, 1, "client certificate %s, key %s%s", t.cert(), t.key(), t.keyPassword() == null ? ""
                        : " (encrypted)");
            }
        }
        CircuitBreakerSettings cb = config.circuitBreaker();
        line(out, 0, "breaker   opens at %s%% failures of the last %d calls (after %d), open %d ms, %s half-open",
                number(cb.failureRateThreshold()), cb.windowSize(), cb.minimumCalls(), cb.openMs(),
                plural(cb.halfOpenCalls(), "probe"));
        QueueConfig q = config.queue();
        line(out, 0, "queue     %d per pool, default ttl %d ms, aging %d ms", q.capacity(), q.defaultTtlMs(), q.agingMs());
        AlertsConfig a = config.alerts();
        line(out, 0, "alerts    every %d ms; error rate > %s, silence %d ms, p95 > %d ms, queue > %s%s",
                a.evaluationIntervalMs(), number(a.errorRateThreshold()), a.silenceWindowMs(), a.latencySloMs(),
                number(a.queueFillThreshold()), a.webhooks().isEmpty() ? "; no webhooks (logged only)" : "");
        for (WebhookConfig w : a.webhooks()) {
            // Only the host: the rest of a webhook URL is often its secret.
            line(out, 1, "%s webhook to %s, timeout %d ms", w.format(), w.uri().getHost(), w.timeoutMs());
        }
        StoreConfig s = config.store();
        if ("redis".equals(s.type())) {
            // Only host and port: the URL may hold a password.
            line(out, 0, "store     redis %s:%d keys %s*, engine %s (dead after %d ms), at most %d queued or in "
                    + "flight, write timeout %d ms", s.uri().getHost(), s.uri().getPort() < 0 ? 6379 : s.uri().getPort(),
                    s.keyPrefix(), s.instanceId() == null ? "<hostname>-<random>" : s.instanceId(),
                    s.instanceTimeoutMs(), s.maxMessages(), s.writeTimeoutMs());
        } else {
            line(out, 0, "store     embedded %s, durability %s, at most %d queued or in flight, write timeout %d ms",
                    s.path(), s.durability(), s.maxMessages(), s.writeTimeoutMs());
        }
        line(out, 1, "async default ttl %d ms, %d deliveries at once per pool; delivered kept %d ms, "
                + "idempotency keys %d ms", s.defaultTtlMs(), s.deliveryConcurrency(), s.retentionMs(),
                s.idempotencyWindowMs());
        for (IngressConfig in : config.ingress()) {
            if ("redis-stream".equals(in.type())) {
                line(out, 0, "ingress   %s %s:%d stream %s, group %s as %s; claims after %d ms, dead-letters after %d "
                        + "deliveries%s", in.type(), in.uri().getHost(), in.uri().getPort(), in.key(), in.group(),
                        in.consumer() == null ? "<hostname>" : in.consumer(), in.claimIdleMs(), in.maxDeliveries(),
                        in.trim() ? ", trimmed" : "");
            } else {
                line(out, 0, "ingress   %s %s:%d key %s, processing list %s", in.type(), in.uri().getHost(),
                        in.uri().getPort(), in.key(), in.processingKey() == null ? in.key() + ":processing:<hostname>"
                                : in.processingKey());
            }
            if (in.dedupKey() != null || !in.requiredFields().isEmpty()) {
                line(out, 1, "%s%s%s", in.dedupKey() == null ? "" : "dedup " + in.dedupKey() + " for "
                                + in.dedupWindowMs() + " ms", in.dedupKey() != null && !in.requiredFields().isEmpty()
                                ? "; " : "", in.requiredFields().isEmpty() ? ""
                                : "requires " + String.join(", ", in.requiredFields()));
            }
        }
        List<String> sinks = config.eventSinkNames();
        line(out, 0, "events    %s", sinks.isEmpty() ? "none (completion events are not sent)"
                : plural(sinks.size(), "sink"));
        for (int i = 0; i < sinks.size(); i++) {
            EventSinkConfig e = config.events().get(i);
            // Only the host: the rest of a webhook URL is often its secret.
            String where = switch (e.type()) {
                case "webhook" -> " to " + e.uri().getHost();
                case "redis-pubsub" -> " to " + e.uri().getHost() + ":" + e.uri().getPort() + " channel " + e.channel();
                case "redis-list" -> " to " + e.uri().getHost() + ":" + e.uri().getPort() + " list " + e.key();
                case "redis-stream" -> " to " + e.uri().getHost() + ":" + e.uri().getPort() + " stream " + e.key()
                        + " (about " + e.maxLen() + " entries)";
                default -> "";
            };
            line(out, 1, "%s  %s%s%s", sinks.get(i), e.type(), where,
                    "log".equals(e.type()) ? "" : ", timeout " + e.timeoutMs() + " ms");
        }
        return out.toString();
    }

    /** A worker URL without what may be a credential: the password of its user info and its query are masked. */
    static String shown(URI url) {
        String user = url.getRawUserInfo();
        if (user != null) {
            int colon = user.indexOf(':');
            user = colon < 0 ? "***" : user.substring(0, colon) + ":***";
        }
        return url.getScheme() + "://" + (user == null ? "" : user + "@") + url.getHost()
                + (url.getPort() < 0 ? "" : ":" + url.getPort()) + Objects.requireNonNullElse(url.getRawPath(), "")
                + (url.getRawQuery() == null ? "" : "?***");
    }

    private static void line(StringBuilder out, int indent, String format, Object... args) {
        out.append("  ".repeat(indent)).append(String.format(Locale.ROOT, format, args).stripTrailing())
                .append('\n');
    }

    private static String opening(String opening) {
        return switch (opening) {
            case "always" -> "open";
            case "loopback" -> "open from this machine";
            default -> "closed";
        };
    }

    private static String rate(RateLimitConfig limit) {
        return limit == null ? "" : "  max %s/s, burst %d".formatted(number(limit.perSecond()), limit.burst());
    }

    private static int width(List<String> values) {
        return Math.max(1, values.stream().mapToInt(String::length).max().orElse(1));
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** 2.0 as "2", 12.5 as "12.5". */
    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String describe(RuleConfig r) {
        List<String> parts = new java.util.ArrayList<>();
        if (!r.patterns().isEmpty()) {
            parts.add(plural(r.patterns().size(), "pattern"));
        }
        if (!r.keywords().isEmpty()) {
            parts.add(plural(r.keywords().size(), "keyword"));
        }
        if (!r.metadata().isEmpty()) {
            parts.add("metadata " + String.join(", ", new java.util.TreeSet<>(r.metadata().keySet())));
        }
        if (!r.fields().isEmpty()) {
            parts.add("fields " + String.join(", ", new java.util.TreeSet<>(r.fields().keySet())));
        }
        return String.join(", ", parts);
    }
}
