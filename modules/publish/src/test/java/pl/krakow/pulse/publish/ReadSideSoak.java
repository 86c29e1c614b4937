package pl.krakow.pulse.publish;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;

/**
 * The read-side soak: the indicator values that <b>simulated</b> live feeds of Kraków's size would make, applied to
 * an {@link IndicatorReadModel} with its history store, over N days of compressed event time; heap after a full GC,
 * RSS, values held and store size are sampled at chosen simulated days.
 *
 * <p><b>What is simulated</b> (labelled so in every line it prints): no feed is read and no topology runs — the
 * Kafka consumer is not in the loop either; the values are generated at the rate the real topologies would publish
 * them for live feeds:
 * <ul>
 *   <li>GTFS-RT VehiclePositions polled every 15 s (Kraków: up to 362 buses and 366 trams+buses per feed in the
 *       bundled ZTP snapshots, ~530 vehicles at peak) → {@code iv4.pt.vehicles_in_service} per minute for
 *       {@value #VEHICLE_SCOPES} scopes (city, 2 modes, 18 districts, 169 lines), one PROVISIONAL revision per
 *       poll and the FINAL one when the minute closes (5 records per scope and minute), and {@code iv4.pt.speed}
 *       per hour for {@value #SPEED_SCOPES} scopes, one PROVISIONAL per poll and a FINAL per hour;</li>
 *   <li>GBFS station status polled every minute → {@code iv4.bike.availability} per 15 minutes for
 *       {@value #BIKE_SCOPES} scopes (system and 18 districts), one record per poll;</li>
 *   <li>{@value #STATIONS} air-quality stations reporting every minute → PM10, NO2 and O3 hourly values and the AQI
 *       class per hour, PM10 and PM2.5 daily means per day and PM10 annual mean per year, one PROVISIONAL record
 *       per reading of each.</li>
 * </ul>
 * The vehicle count only sets the values; what the read side's memory depends on is the number of series and
 * windows, which this reproduces. {@code everyRevision = false} applies only each window's last record (the same
 * windows, about a ninth of the records: what the CI variant runs to stay short).
 */
final class ReadSideSoak {

    static final int VEHICLE_SCOPES = 190;
    static final int SPEED_SCOPES = 188;
    static final int BIKE_SCOPES = 19;
    static final int STATIONS = 8;
    static final int VEHICLES = 530;
    static final String LABEL = "SIMULATED live feeds (Kraków size) -> indicator values -> read model";

    /** One sample at the end of a simulated day. */
    record Sample(int day, long heapAfterGcBytes, long rssBytes, long valuesHeld, long diskBytes, long recordsApplied,
                  double wallSeconds) {
        String line() {
            return String.format(Locale.ROOT, "[%s] day %2d: heap after GC %6.1f MiB, RSS %6.1f MiB, values held %,d, "
                            + "store on disk %6.1f MiB, records applied %,d, wall %.1f s", LABEL, day, mib(heapAfterGcBytes),
                    mib(rssBytes), valuesHeld, mib(diskBytes), recordsApplied, wallSeconds);
        }
    }

    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
    private static final String[] VEHICLE_SCOPE_NAMES = scopes(VEHICLE_SCOPES, true);
    private static final String[] SPEED_SCOPE_NAMES = scopes(SPEED_SCOPES, false);

    private ReadSideSoak() {
    }

    /**
     * Runs {@code days} simulated days into a model whose store lives under {@code dataDir}; samples after each day
     * in {@code sampleDays} (1-based) and passes each to {@code out}.
     */
    static List<Sample> run(int days, boolean everyRevision, List<Integer> sampleDays, Path dataDir,
                            HistoryRetention retention, Consumer<Sample> out) {
        List<Sample> samples = new ArrayList<>();
        long started = System.nanoTime();
        long applied = 0;
        try (IndicatorReadModel model = new IndicatorReadModel(null, null, new SimpleMeterRegistry(),
                IndicatorReadModel.INDICATOR_TABLES, HistoryStore.open(dataDir), retention)) {
            for (int day = 1; day <= days; day++) {
                for (int minuteOfDay = 0; minuteOfDay < 1440; minuteOfDay++) {
                    applied += minute(model, START.plus(Duration.ofMinutes((day - 1) * 1440L + minuteOfDay)), everyRevision);
                }
                if (sampleDays.contains(day)) {
                    Sample s = new Sample(day, heapAfterGc(), rss(), model.size(), model.diskBytes(), applied,
                            (System.nanoTime() - started) / 1e9);
                    samples.add(s);
                    out.accept(s);
                }
            }
        }
        return samples;
    }

    /** One simulated minute of every feed; returns the records applied. */
    private static int minute(IndicatorReadModel model, Instant minute, boolean everyRevision) {
        int n = 0;
        long m = minute.getEpochSecond() / 60;
        Instant hour = Instant.ofEpochSecond(m / 60 * 3600);
        for (int poll = 0; poll < (everyRevision ? 4 : 0); poll++) {
            for (int s = 0; s < VEHICLE_SCOPES; s++) {
                model.apply(value("iv4.pt.vehicles_in_service", "IV.4", VEHICLE_SCOPE_NAMES[s], minute, Duration.ofMinutes(1),
                        vehicles(s, m, poll), IndicatorStatus.PROVISIONAL, poll));
                n++;
            }
            for (int s = 0; s < SPEED_SCOPES; s++) {
                model.apply(value("iv4.pt.speed", "IV.4", SPEED_SCOPE_NAMES[s], hour, Duration.ofHours(1),
                        14 + (s + m) % 9, IndicatorStatus.PROVISIONAL, (int) (m % 60) * 4 + poll));
                n++;
            }
        }
        for (int s = 0; s < VEHICLE_SCOPES; s++) {
            model.apply(value("iv4.pt.vehicles_in_service", "IV.4", VEHICLE_SCOPE_NAMES[s], minute, Duration.ofMinutes(1),
                    vehicles(s, m, 3), IndicatorStatus.FINAL, 4));
            n++;
        }
        if (m % 60 == 59) {
            for (int s = 0; s < SPEED_SCOPES; s++) {
                model.apply(value("iv4.pt.speed", "IV.4", SPEED_SCOPE_NAMES[s], hour, Duration.ofHours(1),
                        14 + (s + m) % 9, IndicatorStatus.FINAL, 241));
                n++;
            }
        }
        Instant quarter = Instant.ofEpochSecond(m / 15 * 900);
        for (int s = 0; s < (everyRevision || m % 15 == 14 ? BIKE_SCOPES : 0); s++) {
            model.apply(value("iv4.bike.availability", "IV.4", s == 0 ? "system:krakow-wavelo" : "district:" + roman(s),
                    quarter, Duration.ofMinutes(15), 0.4 + (s + m) % 50 / 100.0, IndicatorStatus.PROVISIONAL, (int) (m % 15)));
            n++;
        }
        Instant day = Instant.ofEpochSecond(m / 1440 * 86_400);
        Instant year = Instant.parse("2026-01-01T00:00:00Z");
        for (int st = 0; st < (everyRevision || m % 60 == 59 ? STATIONS : 0); st++) {
            String station = "station:MpKrakSoak" + st;
            int rev = (int) (m % 60);
            for (String id : List.of("iv3.pm10.hourly", "iv3.no2.hourly", "iv3.o3.hourly", "iv3.aqi.class")) {
                model.apply(value(id, "IV.3", station, hour, Duration.ofHours(1), 20 + (st + m) % 40, IndicatorStatus.PROVISIONAL, rev));
            }
            for (String id : List.of("iv3.pm10.daily_mean", "iv3.pm25.daily_mean")) {
                model.apply(value(id, "IV.3", station, day, Duration.ofDays(1), 25 + st, IndicatorStatus.PROVISIONAL, (int) (m % 1440)));
            }
            model.apply(value("iv3.pm10.annual_mean", "IV.3", station, year, Duration.ofDays(365), 30 + st,
                    IndicatorStatus.PROVISIONAL, (int) m));
            n += 7;
        }
        return n;
    }

    private static double vehicles(int scope, long minute, int poll) {
        double share = scope == 0 ? 1.0 : scope < 3 ? 0.5 : scope < 21 ? 1.0 / 18 : 1.0 / 169;
        double daily = 0.6 + 0.4 * Math.sin((minute % 1440) / 1440.0 * 2 * Math.PI);
        return Math.round(VEHICLES * share * daily) + poll % 2;
    }

    private static IndicatorValue value(String id, String goal, String scope, Instant start, Duration length, double v,
                                        IndicatorStatus status, int revision) {
        return IndicatorValue.newBuilder()
                .setIndicatorId(id).setGoal(goal).setScope(scope)
                .setWindowStart(start).setWindowEnd(start.plus(length)).setTimeZone("Europe/Warsaw")
                .setValue(v).setUnit("count").setObservedCount(1).setExpectedCount(1).setCoverage(1.0).setValid(true)
                .setStatus(status).setRevision(revision).setComputedAt(start.plus(length)).setLastEventIngestedAt(null)
                .build();
    }

    private static String[] scopes(int n, boolean withModes) {
        List<String> names = new ArrayList<>();
        names.add("city:krakow");
        if (withModes) {
            names.add("mode:krakow/bus");
            names.add("mode:krakow/tram");
        }
        for (int d = 1; d <= 18; d++) {
            names.add("district:" + roman(d));
        }
        for (int line = 1; names.size() < n; line++) {
            names.add("line:krakow-" + (line <= 28 ? "T/" + line : "A/" + (100 + line)));
        }
        return names.toArray(String[]::new);
    }

    private static String roman(int n) {
        String[] r = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV",
                "XVI", "XVII", "XVIII"};
        return r[n];
    }

    static long heapAfterGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Resident set size of this process from /proc (Linux); -1 elsewhere. */
    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    /** {@code java ... ReadSideSoak DAYS DIR [finals]}: the full run, sampling days 1, 10, 20 and 30 (and the last). */
    public static void main(String[] args) throws IOException {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("pulse-soak-");
        boolean everyRevision = args.length <= 2 || !args[2].equals("finals");
        System.out.println("[" + LABEL + "] " + days + " simulated days, " + (everyRevision ? "every revision" : "finals only")
                + ", max heap " + Runtime.getRuntime().maxMemory() / 1024 / 1024 + " MiB, store under " + dir);
        run(days, everyRevision, List.of(1, 2, 3, 5, 10, 15, 20, 25, 30, days), dir, PublishConfig.defaultRetention(),
                s -> System.out.println(s.line()));
    }
}
