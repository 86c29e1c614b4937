package pl.krakow.pulse.ingest.environment;

import pl.krakow.pulse.ingest.csv.Csv;
import pl.krakow.pulse.ingest.csv.CsvFormatException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.Violation;

/**
 * One row of IMGW-PIB's hourly synop table ({@code s_t_MM_YYYY.csv}, "dane terminowe / synop"),
 * decoded from its fields — pure, no I/O. The table has no header and 107 columns; numbers are
 * columns 1-based as in IMGW's {@code s_t_format.txt}:
 * <pre>
 *  1 station code   2 station name   3 year   4 month   5 day   6 hour (UTC, synop term)
 * 24 wind direction [°]      25 its status     26 wind speed [m/s]     27 its status
 * 30 air temperature [°C]    31 its status     38 relative humidity [%] 39 its status
 * 42 station-level pressure [hPa] 43 its status 49 precipitation over 6 h [mm] 50 its status
 * </pre>
 * A value is followed by its status flag: empty = measured, {@code "8"} = no measurement
 * (→ null), {@code "9"} = phenomenon absent (→ 0 for precipitation and wind speed, where "no
 * phenomenon" is a measured zero; null otherwise). Precipitation is only observed at the main terms
 * 00, 06, 12, 18 UTC (a 6-hour total); at the other hours its flag is {@code "8"}, so it is null.
 * Wind direction 0 with speed 0 is IMGW's "calm".
 *
 * @param stationId            IMGW station code, e.g. {@code 350190566} (Kraków-Balice)
 * @param stationName          as published (decoded from Windows-1250), e.g. {@code KRAKÓW-BALICE}
 * @param observedAt           the synop term, UTC
 */
public record ImgwSynopRow(String stationId, String stationName, Instant observedAt, Double airTemperatureC,
                           Double relativeHumidityPct, Double windSpeedMs, Double windDirectionDeg,
                           Double pressureHpa, Double precipitationMm) {

    /** Columns of the IMGW s_t layout. */
    public static final int FIELDS = 107;

    /** A row that cannot become an observation; carries the reason code. */
    public static final class RowException extends Exception {
        private final transient Violation violation;

        RowException(ReasonCode reason, String message) {
            super(message, null, false, false);
            this.violation = new Violation(reason, message);
        }

        public Violation violation() {
            return violation;
        }
    }

    /** A quantity: its 1-based value column (the flag follows it), plausible range, and what "absent" means. */
    private record Quantity(String name, String unit, int column, double min, double max, boolean absentMeansZero) {
    }

    // Bounds are physical plausibility, not climate: beyond them the instrument or the transmission failed.
    private static final Quantity TEMPERATURE = new Quantity("air temperature", "°C", 30, -60, 60, false);
    private static final Quantity HUMIDITY = new Quantity("relative humidity", "%", 38, 0, 100, false);
    private static final Quantity WIND_SPEED = new Quantity("wind speed", "m/s", 26, 0, 100, true);
    private static final Quantity WIND_DIRECTION = new Quantity("wind direction", "°", 24, 0, 360, false);
    // Station level: Polish synop stations are below ~2000 m (Kasprowy Wierch ~790 hPa).
    private static final Quantity PRESSURE = new Quantity("station-level pressure", "hPa", 42, 500, 1100, false);
    private static final Quantity PRECIPITATION = new Quantity("precipitation", "mm", 49, 0, 500, true);

    /**
     * Decodes the fields of one row (already unquoted).
     *
     * @throws RowException {@link ReasonCode#MALFORMED} (field count, station code, date/time, status flag),
     *                      {@link ReasonCode#NOT_A_NUMBER}, {@link ReasonCode#OUT_OF_RANGE}
     */
    public static ImgwSynopRow decode(List<String> f) throws RowException {
        if (f.size() != FIELDS) {
            throw new RowException(ReasonCode.MALFORMED, "row has " + f.size() + " fields, the IMGW s_t layout has " + FIELDS);
        }
        String station = f.get(0).trim();
        if (station.isEmpty() || !station.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new RowException(ReasonCode.MALFORMED, "station code '" + station + "' is not a number");
        }
        String name = f.get(1).trim();
        Instant observedAt = time(f);
        return new ImgwSynopRow(station, name, observedAt, value(f, TEMPERATURE), value(f, HUMIDITY),
                value(f, WIND_SPEED), value(f, WIND_DIRECTION), value(f, PRESSURE), value(f, PRECIPITATION));
    }

    private static Instant time(List<String> f) throws RowException {
        int[] parts = new int[4];
        String[] names = {"year", "month", "day", "hour"};
        for (int i = 0; i < 4; i++) {
            String s = f.get(2 + i).trim();
            if (s.isEmpty() || s.length() > 4 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new RowException(ReasonCode.MALFORMED, names[i] + " '" + s + "' is not a number");
            }
            parts[i] = Integer.parseInt(s);
        }
        try {
            return LocalDateTime.of(parts[0], parts[1], parts[2], parts[3], 0).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new RowException(ReasonCode.MALFORMED, String.format(Locale.ROOT,
                    "no such time: year %d month %d day %d hour %d", parts[0], parts[1], parts[2], parts[3]));
        }
    }

    private static Double value(List<String> f, Quantity q) throws RowException {
        String text = f.get(q.column() - 1).trim();
        String flag = f.get(q.column()).trim();
        switch (flag) {
            case "8":
                return null;
            case "9":
                return q.absentMeansZero() ? 0.0 : null;
            case "":
                break;
            default:
                throw new RowException(ReasonCode.MALFORMED, q.name() + " (column " + (q.column() + 1)
                        + ") has status flag '" + flag + "'; IMGW uses only empty, 8 and 9");
        }
        if (text.isEmpty()) {
            return null;
        }
        if (!GiosWideCsvParser.isDecimal(text)) {
            throw new RowException(ReasonCode.NOT_A_NUMBER, q.name() + " (column " + q.column() + "): '" + text
                    + "' is not a number");
        }
        double v = Double.parseDouble(text);
        if (Double.isInfinite(v)) {
            throw new RowException(ReasonCode.NOT_A_NUMBER, q.name() + " (column " + q.column() + "): '" + text
                    + "' is not a finite number");
        }
        if (v < q.min() || v > q.max()) {
            throw new RowException(ReasonCode.OUT_OF_RANGE, String.format(Locale.ROOT,
                    "%s %s %s is outside the plausible range %s..%s %s", q.name(), text, q.unit(),
                    plain(q.min()), plain(q.max()), q.unit()));
        }
        return v;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Splits one CSV record with the shared rule of {@link Csv} (comma separated, RFC 4180 quoting). IMGW's
     * free-text fields (cloud descriptions) contain commas, so a plain split is wrong.
     *
     * @throws RowException {@link ReasonCode#MALFORMED} on an unterminated quote or text after a closing quote
     */
    public static List<String> splitCsv(String line) throws RowException {
        try {
            return Csv.fields(line, ',');
        } catch (CsvFormatException e) {
            throw new RowException(ReasonCode.MALFORMED, e.getMessage());
        }
    }
}
