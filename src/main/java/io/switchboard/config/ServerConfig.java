package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The HTTP listener.
 *
 * @param host           address to bind (default 0.0.0.0)
 * @param port           port to listen on (default 8080; 0 picks a free one)
 * @param maxBodyBytes   largest accepted request body (default 1 MiB)
 * @param drainTimeoutMs how long in-flight requests may take to finish on shutdown (default 30 s)
 * @param maxInFlight    requests served at once; beyond it new ones get 429 at once, which bounds memory (default 20000)
 * @param tls            serve HTTPS (HTTP/1.1 over TLS) on {@code port} instead of cleartext HTTP, or null
 * @param adminPort      a second listener for the admin endpoints (replaying and purging dead letters), which the
 *                       main port then does not serve (default: none; 0 picks a free port)
 * @param adminHost      address the admin listener binds (default 127.0.0.1)
 * @param cors           which browser origins may call the API (default: none, no CORS headers)
 * @param readTimeoutMs  how long a request body may take to arrive in full; a slower one gets 408 and its connection
 *                       is closed, so a client trickling bytes cannot hold a request for long (default 30 s)
 */
public record ServerConfig(
        @JsonProperty("host") String host,
        @JsonProperty("port") Integer port,
        @JsonProperty("max_body_bytes") Long maxBodyBytes,
        @JsonProperty("drain_timeout_ms") Long drainTimeoutMs,
        @JsonProperty("max_in_flight") Integer maxInFlight,
        @JsonProperty("tls") ServerTlsConfig tls,
        @JsonProperty("admin_port") Integer adminPort,
        @JsonProperty("admin_host") String adminHost,
        @JsonProperty("cors") CorsConfig cors,
        @JsonProperty("read_timeout_ms") Long readTimeoutMs) {

    public ServerConfig {
        host = Check.orDefault(host, "0.0.0.0");
        port = Check.orDefault(port, 8080);
        maxBodyBytes = Check.orDefault(maxBodyBytes, 1_048_576L);
        drainTimeoutMs = Check.orDefault(drainTimeoutMs, 30_000L);
        maxInFlight = Check.orDefault(maxInFlight, 20_000);
        readTimeoutMs = Check.orDefault(readTimeoutMs, 30_000L);
        if (port < 0 || port > 65535) {
            throw new InvalidValueException("port", "must be between 0 and 65535, got " + port);
        }
        Check.positive("max_body_bytes", maxBodyBytes);
        Check.atLeast("drain_timeout_ms", 0, drainTimeoutMs);
        Check.atLeast("max_in_flight", 1, maxInFlight);
        if (adminPort == null) {
            if (adminHost != null) {
                throw new InvalidValueException("admin_host", "goes with admin_port");
            }
        } else {
            if (adminPort < 0 || adminPort > 65535) {
                throw new InvalidValueException("admin_port", "must be between 0 and 65535, got " + adminPort);
            }
            if (adminPort.equals(port) && port != 0) {
                throw new InvalidValueException("admin_port", "must differ from port (" + port + ")");
            }
            adminHost = Check.orDefault(adminHost, "127.0.0.1");
        }
        Check.positive("read_timeout_ms", readTimeoutMs);
    }

    /** Compatible with configurations built before TLS, the admin listener and CORS existed. */
    public ServerConfig(String host, Integer port, Long maxBodyBytes, Long drainTimeoutMs, Integer maxInFlight) {
        this(host, port, maxBodyBytes, drainTimeoutMs, maxInFlight, null, null, null, null, null);
    }

    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null);
    }
}
