package io.switchboard.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A rotating log file, in the same format as stdout.
 *
 * @param path           the file; rotated files get {@code .<date>.<index>.gz} next to it
 * @param maxFileSizeMb  rotate when the file reaches this size (default 100)
 * @param maxHistoryDays keep rotated files this many days (default 7)
 * @param totalSizeCapMb delete the oldest rotated files beyond this total (default 1024)
 */
public record LogFileConfig(
        @JsonProperty("path") String path,
        @JsonProperty("max_file_size_mb") Integer maxFileSizeMb,
        @JsonProperty("max_history_days") Integer maxHistoryDays,
        @JsonProperty("total_size_cap_mb") Integer totalSizeCapMb) {

    public LogFileConfig {
        if (path == null || path.isBlank()) {
            throw new InvalidValueException("path", "is required for a log file");
        }
        maxFileSizeMb = Check.orDefault(maxFileSizeMb, 100);
        maxHistoryDays = Check.orDefault(maxHistoryDays, 7);
        totalSizeCapMb = Check.orDefault(totalSizeCapMb, 1024);
        Check.atLeast("max_file_size_mb", 1, maxFileSizeMb);
        Check.atLeast("max_history_days", 1, maxHistoryDays);
        Check.atLeast("total_size_cap_mb", maxFileSizeMb, totalSizeCapMb);
    }
}
