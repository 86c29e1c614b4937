package pl.krakow.pulse.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of one replay.
 *
 * @param format           the feed format replayed
 * @param inputs           how many inputs (files) were given
 * @param accepted         events published to their topic
 * @param rejectedByReason rejections published to the dead-letter queue, by reason (only reasons that occurred)
 * @param failedInputs     inputs that could not be read (completely or from some point on)
 * @param duration         wall-clock time of the whole replay (reading, sorting, publishing, final flush)
 * @param firstEventTime   earliest accepted event time, or null when nothing was accepted
 * @param lastEventTime    latest accepted event time, or null when nothing was accepted
 * @param sendFailures     records handed to the sink during the replay that it could not write
 * @param interrupted      true when the replay was stopped (thread interrupted) before the end
 */
public record ReplayReport(String format, int inputs, long accepted, Map<ReasonCode, Long> rejectedByReason,
                           List<FailedInput> failedInputs, Duration duration, Instant firstEventTime,
                           Instant lastEventTime, long sendFailures, boolean interrupted) {

    /** An input that could not be read, and why. */
    public record FailedInput(String name, String error) {
    }

    public ReplayReport {
        Map<ReasonCode, Long> copy = new EnumMap<>(ReasonCode.class);
        copy.putAll(rejectedByReason);
        rejectedByReason = Collections.unmodifiableMap(copy);
        failedInputs = List.copyOf(failedInputs);
    }

    public long rejected() {
        return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }

    public long rejected(ReasonCode reason) {
        return rejectedByReason.getOrDefault(reason, 0L);
    }

    /** Accepted events per second of {@link #duration()}. */
    public double eventsPerSecond() {
        double seconds = duration.toNanos() / 1e9;
        return seconds > 0 ? accepted / seconds : 0;
    }

    /**
     * One line for a console or a log, e.g. {@code gios-wide-csv: 16,955 events accepted, 1 rejected
     * (NOT_A_NUMBER 1), 1 file in 0.42 s, 40,369 events/s}.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(format).append(": ").append(String.format(Locale.ROOT, "%,d", accepted)).append(" events accepted, ")
                .append(String.format(Locale.ROOT, "%,d", rejected())).append(" rejected");
        if (!rejectedByReason.isEmpty()) {
            sb.append(" (").append(rejectedByReason.entrySet().stream()
                    .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue()))
                    .collect(Collectors.joining(", "))).append(')');
        }
        sb.append(", ").append(inputs).append(inputs == 1 ? " file" : " files");
        if (!failedInputs.isEmpty()) {
            sb.append(" (").append(failedInputs.size()).append(" unreadable)");
        }
        sb.append(String.format(Locale.ROOT, " in %.2f s, %,.0f events/s", duration.toNanos() / 1e9, eventsPerSecond()));
        if (firstEventTime != null) {
            sb.append(", event time ").append(firstEventTime).append(" .. ").append(lastEventTime);
        }
        if (sendFailures > 0) {
            sb.append(", ").append(String.format(Locale.ROOT, "%,d", sendFailures)).append(" SEND FAILURES");
        }
        if (interrupted) {
            sb.append(", INTERRUPTED");
        }
        return sb.toString();
    }
}
