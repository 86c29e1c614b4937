package pl.krakow.pulse.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import pl.krakow.pulse.events.environment.Pollutant;

/**
 * Realistic hourly events generated from the bundled real table: generated hour {@code g} (0, 1, 2, ...)
 * ends at {@code firstHourEnd + g} hours and carries the values (and stations, and missing hours) of
 * {@link BundledSeries} row {@code g mod rows}, so the real 2017-Q1 quarter repeats, shifted into later
 * quarters and years, for as long as a workload needs. Event time advances exactly one hour per
 * generated row, never backwards. Immutable.
 */
final class HourlyWorkload {

    private static final long HOUR_SECONDS = 3600;

    private final BundledSeries series;
    private final long firstHourEndEpoch;

    /**
     * @param series           the bundled table
     * @param firstHourEnd     end of generated hour 0 (GIOŚ stamps an hourly mean with the end of its hour)
     */
    HourlyWorkload(BundledSeries series, Instant firstHourEnd) {
        this.series = Objects.requireNonNull(series, "series");
        this.firstHourEndEpoch = firstHourEnd.getEpochSecond();
        if (firstHourEndEpoch % HOUR_SECONDS != 0) {
            throw new IllegalArgumentException("hours end on the full hour: " + firstHourEnd);
        }
    }

    /** The bundled table as it is: hour 0 is its first row's hour (the bundled replay). */
    static HourlyWorkload asRecorded(BundledSeries series) {
        return new HourlyWorkload(series, Instant.ofEpochSecond(series.epoch(0)));
    }

    BundledSeries series() {
        return series;
    }

    /** End of generated hour {@code g}, epoch seconds. */
    long epoch(long g) {
        return firstHourEndEpoch + g * HOUR_SECONDS;
    }

    /** Events the parser accepts from generated hour {@code g}. */
    int events(long g) {
        return series.events(series.rowOf(g));
    }

    /** Events of {@code hours} generated hours from {@code g0}. */
    long events(long g0, long hours) {
        long n = 0;
        for (long g = g0; g < g0 + hours; g++) {
            n += events(g);
        }
        return n;
    }

    /** How many hours from {@code g0} it takes to hold at least {@code n} events. */
    long hoursFor(long g0, long n) {
        long hours = 0;
        long seen = 0;
        while (seen < n) {
            seen += events(g0 + hours);
            hours++;
        }
        return hours;
    }

    /** The CSV header line (with its line break). */
    byte[] headerLine() {
        return (series.header() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Appends generated hour {@code g} as one {@code gios-wide-csv} line: row index, epoch, the real cells. */
    void appendLine(long g, ByteArrayOutputStream out) {
        byte[] head = (g + "," + epoch(g)).getBytes(StandardCharsets.US_ASCII);
        out.write(head, 0, head.length);
        byte[] tail = series.tail(series.rowOf(g));
        out.write(tail, 0, tail.length);
    }

    /** Tells {@code expected} about every event of generated hour {@code g}. */
    void expect(long g, ExpectedWindows expected) {
        int row = series.rowOf(g);
        long epoch = epoch(g);
        for (int c = 0; c < series.columns().size(); c++) {
            BundledSeries.Column col = series.columns().get(c);
            if (col.known() && !series.cell(row, c).isEmpty()) {
                expected.add(col.stationCode(), col.pollutant(), epoch);
            }
        }
    }

    /** Visits every event of generated hour {@code g}: station, pollutant, value, end of hour (epoch seconds). */
    void forEachEvent(long g, EventVisitor visitor) {
        int row = series.rowOf(g);
        long epoch = epoch(g);
        for (int c = 0; c < series.columns().size(); c++) {
            BundledSeries.Column col = series.columns().get(c);
            String cell = series.cell(row, c);
            if (col.known() && !cell.isEmpty()) {
                visitor.event(col.stationCode(), col.pollutant(), Double.parseDouble(cell), epoch);
            }
        }
    }

    @FunctionalInterface
    interface EventVisitor {
        void event(String stationCode, Pollutant pollutant, double concentrationUgM3, long hourEndEpochSeconds);
    }
}
