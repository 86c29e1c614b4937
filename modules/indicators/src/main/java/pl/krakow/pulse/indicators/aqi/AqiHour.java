package pl.krakow.pulse.indicators.aqi;

import java.util.EnumMap;
import java.util.Map;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * The state of one station-hour of the air-quality index: the latest hourly value per pollutant, the class last
 * published (0 = none yet), the newest {@code ingestedAt}, and whether the hour is FINAL (kept only while a later
 * hour's running mean still reads its values). Stored as text ({@code PM10=12.5;PM25=3.1|2|1700000000000}, with
 * {@code |F} appended once FINAL; the form without it is the one written before running means existed): at most
 * a day of entries per station, so readability beats compactness here.
 */
final class AqiHour {

    final Map<Pollutant, Double> values = new EnumMap<>(Pollutant.class);
    int publishedClass;
    long lastIngestedAtMs = Long.MIN_VALUE;
    boolean closed;

    String encode() {
        StringBuilder sb = new StringBuilder();
        values.forEach((p, v) -> sb.append(sb.length() == 0 ? "" : ";").append(p.name()).append('=').append(v));
        sb.append('|').append(publishedClass).append('|').append(lastIngestedAtMs);
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
        h.publishedClass = Integer.parseInt(parts[1]);
        h.lastIngestedAtMs = Long.parseLong(parts[2]);
        h.closed = parts.length > 3 && parts[3].equals("F");
        return h;
    }
}
