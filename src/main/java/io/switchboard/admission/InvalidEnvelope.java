package io.switchboard.admission;

import java.util.List;

/**
 * Why an envelope was refused: the HTTP status to answer (400 for unreadable JSON, 422 for readable JSON with
 * wrong fields) and one entry per offending field.
 */
public record InvalidEnvelope(int status, String detail, List<FieldError> errors) {

    public InvalidEnvelope {
        errors = List.copyOf(errors);
    }

    /** One offending field, named by its JSON path (e.g. {@code metadata.user}). */
    public record FieldError(String field, String reason) {
    }
}
