package pl.krakow.pulse.ingest;

import java.util.Objects;

/** Why a validation check failed: the reason code and a message naming the offending value. */
public record Violation(ReasonCode reason, String message) {
    public Violation {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
