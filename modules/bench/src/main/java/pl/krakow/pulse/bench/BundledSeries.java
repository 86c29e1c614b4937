package pl.krakow.pulse.bench;

import pl.krakow.pulse.ingest.csv.Csv;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.ingest.environment.GiosStationColumns;

/**
 * The bundled real Kraków table (GIOŚ/WIOŚ hourly PM10/PM2.5, 2017-Q1, {@code gios-wide-csv}), read with
 * plain Java — independently of the parser under test — as the raw material of every generated
 * workload. Rows are held sorted by their epoch; each cell keeps its exact text, so generated CSV
 * carries the real number formats.
 *
 * <p>A generated workload plays the table again and again with event time advancing one hour per row:
 * generated hour {@code g} takes its values from sorted row {@code g mod rows()}. Immutable.
 */
final class BundledSeries {

    /** A value column of the header: its exact name, and what it means (null parts when not understood). */
    record Column(String name, Pollutant pollutant, String stationCode) {
        boolean known() {
            return pollutant != null && stationCode != null;
        }
    }

    private final String header;
    private final List<Column> columns;
    private final long[] epochs;
    private final String[][] cells;
    private final byte[][] tails;
    private final int[] events;

    private BundledSeries(String header, List<Column> columns, long[] epochs, String[][] cells) {
        this.header = header;
        this.columns = List.copyOf(columns);
        this.epochs = epochs;
        this.cells = cells;
        this.tails = new byte[cells.length][];
        this.events = new int[cells.length];
        for (int r = 0; r < cells.length; r++) {
            StringBuilder tail = new StringBuilder(96);
            int n = 0;
            for (int c = 0; c < columns.size(); c++) {
                tail.append(',').append(cells[r][c]);
                if (!cells[r][c].isEmpty() && columns.get(c).known()) {
                    n++;
                }
            }
            tail.append('\n');
            tails[r] = tail.toString().getBytes(StandardCharsets.US_ASCII);
            events[r] = n;
        }
    }

    /** Reads the bundled CSV of {@link BundledData}. */
    static BundledSeries bundled() {
        try (InputStream in = BundledData.openAirQualityCsv()) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled air-quality data", e);
        }
    }

    /**
     * Reads a table in the layout of the bundled file: a header {@code ,epoch,<pollutant>_<station>,...}
     * whose first field is the row index, then one row per hour.
     */
    static BundledSeries parse(String csv) {
        String[] lines = csv.replace("\r", "").split("\n");
        String header = lines[0];
        String[] names = Csv.fields(header, ',').toArray(String[]::new);
        int epochField = Arrays.asList(names).indexOf("epoch");
        if (names.length < 3 || epochField != 1) {
            throw new IllegalArgumentException("expected a header ',epoch,<pollutant>_<station>,...', got: " + header);
        }
        List<Column> columns = new ArrayList<>();
        int[] columnFields = new int[names.length - 2];
        for (int i = 2; i < names.length; i++) {
            GiosStationColumns.Column meaning = GiosStationColumns.bundled().column(names[i]);
            columns.add(new Column(names[i], meaning.pollutant(), meaning.stationCode()));
            columnFields[i - 2] = i;
        }
        List<String[]> rows = new ArrayList<>();
        for (int l = 1; l < lines.length; l++) {
            if (lines[l].isBlank()) {
                continue;
            }
            String[] f = Csv.fields(lines[l], ',').toArray(String[]::new);
            if (f.length != names.length) {
                throw new IllegalArgumentException("line " + (l + 1) + " has " + f.length + " fields, header " + names.length);
            }
            rows.add(f);
        }
        rows.sort(Comparator.comparingLong(f -> Long.parseLong(f[epochField].trim())));
        long[] epochs = new long[rows.size()];
        String[][] cells = new String[rows.size()][columns.size()];
        for (int r = 0; r < rows.size(); r++) {
            String[] f = rows.get(r);
            epochs[r] = Long.parseLong(f[epochField].trim());
            for (int c = 0; c < columns.size(); c++) {
                cells[r][c] = f[columnFields[c]].trim();
            }
        }
        if (epochs.length == 0) {
            throw new IllegalArgumentException("the table has no rows");
        }
        return new BundledSeries(header, columns, epochs, cells);
    }

    /** The header line exactly as in the file, without its line break. */
    String header() {
        return header;
    }

    int rows() {
        return epochs.length;
    }

    List<Column> columns() {
        return columns;
    }

    /** Epoch seconds (end of the hour, UTC) of sorted row {@code r}. */
    long epoch(int r) {
        return epochs[r];
    }

    /** The exact cell text of sorted row {@code r}, value column {@code c}; empty for a missing hour. */
    String cell(int r, int c) {
        return cells[r][c];
    }

    /** ",v1,v2,...\n" of sorted row {@code r}: what follows the row index and epoch in a generated line. */
    byte[] tail(int r) {
        return tails[r];
    }

    /** Events a parser should accept from sorted row {@code r}: its non-empty cells of known columns. */
    int events(int r) {
        return events[r];
    }

    /** Every event of the table (the bundled replay's expected accepted count). */
    long totalEvents() {
        long n = 0;
        for (int e : events) {
            n += e;
        }
        return n;
    }

    /** The sorted row generated hour {@code g} takes its values from. */
    int rowOf(long g) {
        return (int) Math.floorMod(g, (long) epochs.length);
    }
}
