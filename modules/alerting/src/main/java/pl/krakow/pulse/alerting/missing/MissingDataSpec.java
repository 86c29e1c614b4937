package pl.krakow.pulse.alerting.missing;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which sources the missing-data check watches and how long each may stay silent (its expected
 * cadence plus slack), from {@code alerting.missing.data}: comma-separated entries
 * {@code <topic>/<grain>=<ISO-8601 duration>}. {@code grain} is a scope prefix for one alert per record
 * key ({@code environment.air-quality.v1/station=PT3H}: each station, scope {@code station:<key>}) or
 * {@code feed} for the topic as a whole ({@code mobility.vehicle-positions.v1/feed=PT5M}: the vehicle
 * fleet, scope {@code feed}).
 */
public record MissingDataSpec(List<Entry> entries) {

    public static final String FEED = "feed";

    public record Entry(String topic, String grain, Duration silentAfter) {

        public boolean perKey() {
            return !FEED.equals(grain);
        }

        /** The scope an alert of this source carries. */
        public String scope(String recordKey) {
            return perKey() ? grain + ":" + recordKey : FEED;
        }
    }

    public MissingDataSpec {
        entries = List.copyOf(entries);
    }

    public static MissingDataSpec none() {
        return new MissingDataSpec(List.of());
    }

    /** The configuration form {@link #parse} reads: {@code <topic>/<grain>=<duration>,...}. */
    public String toText() {
        return String.join(",", entries.stream().map(e -> e.topic() + "/" + e.grain() + "=" + e.silentAfter()).toList());
    }

    public static MissingDataSpec parse(String text) {
        List<Entry> entries = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return new MissingDataSpec(entries);
        }
        for (String raw : text.split(",")) {
            String e = raw.trim();
            int eq = e.indexOf('=');
            int slash = e.indexOf('/');
            if (eq < 0 || slash < 0 || slash > eq || slash == 0 || eq == slash + 1) {
                throw new IllegalArgumentException("missing-data entry '" + e + "' must be <topic>/<grain>=<duration>");
            }
            Duration d;
            try {
                d = Duration.parse(e.substring(eq + 1).trim());
            } catch (DateTimeParseException ex) {
                throw new IllegalArgumentException("missing-data entry '" + e + "': not an ISO-8601 duration");
            }
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("missing-data entry '" + e + "': duration must be positive");
            }
            String topic = e.substring(0, slash).trim();
            if (entries.stream().anyMatch(x -> x.topic().equals(topic))) {
                throw new IllegalArgumentException("missing-data topic " + topic + " is listed twice");
            }
            entries.add(new Entry(topic, e.substring(slash + 1, eq).trim(), d));
        }
        return new MissingDataSpec(entries);
    }

    /** Null when valid, else why not (for the config key's validator). */
    public static String validate(String text) {
        try {
            parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public Optional<Entry> forTopic(String topic) {
        return entries.stream().filter(e -> e.topic().equals(topic)).findFirst();
    }
}
