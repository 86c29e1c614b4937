package pl.krakow.pulse.indicators.aqi;

import java.util.EnumMap;
import java.util.Map;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * The state of one station-hour of the air-quality index: the latest hourly value per pollutant, the class last
 * published (0 = none yet) and how many pollutants it was read from, the newest {@code ingestedAt}, and whether the
 * hour is FINAL (kept only while a later hour's running mean still reads its values). Stored as text
 * ({@code PM10=12.5;PM25=3.1|2/2|1700000000000}, with {@code |F} appended once FINAL; the form without it is the one
 * written before running means existed, and a class without {@code /n} the one written before the published
 * pollutant count was kept — read as "count unknown", so the hour is published again at its next change): at most
 * a day of entries per station, so readability beats compactness here.
 */
final class AqiHour {

    final Map<Pollutant, Double> values = new EnumMap<>(Pollutant.class);
    int publishedClass;
    /** Pollutants the published class was read from ({@code observed} of the value); -1 when not known. */
    int publishedPollutants;
    long lastIngestedAtMs = Long.MIN_VALUE;
    boolean closed;

    /**
     * True when {@code cls} is to be published: its class differs from the one published, or (a class being known)
     * it was read from another number of pollutants. The count matters for a deterministic table: without it, the
     * PROVISIONAL value left in the table would depend on whether a coalesced emission ran between two pollutants of
     * the same hour arriving (observed 1 of 5 in one run, 2 of 5 in another, for the same input).
     */
    boolean differsFromPublished(AqiClassDefinition.AqiClass cls) {
        return cls.value() != publishedClass || (cls.value() > 0 && cls.pollutants() != publishedPollutants);
    }

    void published(AqiClassDefinition.AqiClass cls) {
        publishedClass = cls.value();
        publishedPollutants = cls.pollutants();
    }

    String encode() {
        StringBuilder sb = new StringBuilder();
        values.forEach((p, v) -> sb.append(sb.length() == 0 ? "" : ";").append(p.name()).append('=').append(v));
        sb.append('|').append(publishedClass).append('/').append(publishedPollutants).append('|').append(lastIngestedAtMs);
        return closed ? sb.append("|F").toString() : sb.toString();
    }

    static AqiHour decode(String text) {
        AqiHour h = new AqiHour();
        String[] parts = text.split("\\|", -1);
        if (!parts[0].isEmpty()) {
            for (String pv : parts[0].split(";")) {
                int eq = pv.indexOf('=');
                h.values.put(Pollutant.valueOf(pv.substring(0, eq)), Double.parseDouble(pv.substring(eq + 1)));
            }
        }
        int slash = parts[1].indexOf('/');
        if (slash < 0) {
            h.publishedClass = Integer.parseInt(parts[1]);
            h.publishedPollutants = -1;
        } else {
            h.publishedClass = Integer.parseInt(parts[1], 0, slash, 10);
            h.publishedPollutants = Integer.parseInt(parts[1], slash + 1, parts[1].length(), 10);
        }
        h.lastIngestedAtMs = Long.parseLong(parts[2]);
        h.closed = parts.length > 3 && parts[3].equals("F");
        return h;
    }
}
