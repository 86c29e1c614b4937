package pl.krakow.pulse.ingest.safety;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.runtime.geo.District;
import pl.krakow.pulse.runtime.service.Service;

/**
 * SIMULATED road incidents in Kraków for the demo ({@code pulse run}): no real record-level Kraków incident data
 * exists in the bundle. Every event carries {@code feed=simulated} and {@code sourceType="SIMULATED road event"},
 * and lies inside a Kraków district ({@code district:<roman>}, counted for {@code city:krakow}).
 *
 * <p>Calibration (only published city totals, nothing per district): road events (collisions and accidents)
 * arrive as a Poisson process at {@link Calibration#roadEventsPerYear()}; each event's injured and killed are
 * Poisson with means injured/events and killed/events of the calibration year, so the yearly totals match the
 * published ones in expectation. Kraków 2020 (Kraków police / city road-safety report): 8 045 road events,
 * 596 injured, 10 killed. Places are uniform over the city's area (rejection sampling inside the district
 * boundaries), so a district's share is its share of the city's area — a simulation choice, not data.
 * No response or handling times are simulated (no published Kraków figure to calibrate them).
 *
 * <p>{@link #backfill} writes a past period at once (so month and year windows have content); {@link #startLive}
 * then adds events as they happen, at the real rate (about one every 65 minutes). Seeded: the same seed and
 * period give the same events and event ids.
 *
 * <p>A {@link Service} named {@code incident-simulator}: {@link #start()} backfills the window set by
 * {@link #backfillingOnStart} (none by default) on a background thread, then goes live; ready once started.
 */
public final class IncidentSimulator implements Service {

    public static final String FEED = "simulated";

    /** Yearly city totals the simulation reproduces in expectation. */
    public record Calibration(double roadEventsPerYear, double injuredPerYear, double killedPerYear, String source) {
        /** Kraków 2020: 8 045 road events, 596 injured, 10 killed (Kraków police / city road-safety report). */
        public static final Calibration KRAKOW_2020 = new Calibration(8045, 596, 10,
                "Kraków 2020: 8 045 collisions and accidents, 596 injured, 10 killed (Kraków police / city road-safety report)");
    }

    // A box around the bundled district boundaries (checked by IncidentSimulatorTest); points outside every
    // district are drawn again.
    static final double MIN_LAT = 49.96;
    static final double MAX_LAT = 50.13;
    static final double MIN_LON = 19.78;
    static final double MAX_LON = 20.22;
    private static final double YEAR_MS = 365.2425 * 24 * 3600 * 1000;
    private static final Logger LOG = LoggerFactory.getLogger(IncidentSimulator.class);

    private final CityProfile city;
    private final EventSink sink;
    private final Calibration calibration;
    private final Clock clock;
    private final IncidentFactory factory;
    private final Random random;
    private final long seed;
    private long sequence;
    private ScheduledExecutorService live;
    private Duration backfillOnStart = Duration.ZERO;
    private ZoneId zone = ZoneId.of("UTC");
    private Thread backfillThread;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile Integer backfilled;

    public IncidentSimulator(CityProfile city, EventSink sink, IngestContext context, Calibration calibration, long seed) {
        this.city = Objects.requireNonNull(city, "city");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.calibration = Objects.requireNonNull(calibration, "calibration");
        this.clock = context.clock();
        this.factory = new IncidentFactory(FEED, FeedOrigin.krakowSystems(), city, EventValidator.of(context, Set.of()), clock, "application/x-simulated");
        this.seed = seed;
        this.random = new Random(seed);
    }

    /**
     * What {@link #start()} backfills: from the start of the local day ({@code zone}) {@code window} before
     * now until now. The day-aligned start with a fixed seed regenerates the same event ids after a
     * restart on the same day, which the IV.5 topology recognises as duplicates instead of counting twice.
     */
    public synchronized IncidentSimulator backfillingOnStart(Duration window, ZoneId zone) {
        this.backfillOnStart = Objects.requireNonNull(window, "window");
        this.zone = Objects.requireNonNull(zone, "zone");
        return this;
    }

    @Override
    public String name() {
        return "incident-simulator";
    }

    /** Backfills (see {@link #backfillingOnStart}) on a background thread, then {@link #startLive()}. */
    @Override
    public synchronized void start() {
        started = true;
        Instant now = clock.instant();
        Instant from = now.minus(backfillOnStart).atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
        backfillThread = new Thread(() -> {
            try {
                if (!backfillOnStart.isZero() && !backfillOnStart.isNegative()) {
                    backfilled = backfill(from, now);
                    LOG.info("Simulator backfilled {} SIMULATED Kraków road incidents since {}", backfilled, from);
                }
                if (!closed) {
                    startLive();
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("Incident simulator failed", e);
                }
            }
        }, "pulse-incident-simulator-backfill");
        backfillThread.setDaemon(true);
        backfillThread.start();
    }

    /** Once started: it backfills, then publishes live. */
    @Override
    public boolean isReady() {
        return started && !closed;
    }

    @Override
    public String status() {
        Integer n = backfilled;
        return !started ? "not started" : n == null ? "backfilling" : "live, " + n + " backfilled";
    }

    /** Publishes simulated events with event times in [from, to); returns how many. */
    public synchronized int backfill(Instant from, Instant to) {
        int n = 0;
        double meanGapMs = YEAR_MS / calibration.roadEventsPerYear();
        Instant t = from.plusMillis((long) exponential(meanGapMs));
        while (t.isBefore(to)) {
            publish(t);
            n++;
            t = t.plusMillis(Math.max(1, (long) exponential(meanGapMs)));
        }
        sink.flush();
        return n;
    }

    /** From now on, one event at a time at the calibrated rate, on a daemon thread, until {@link #close()}. */
    public synchronized IncidentSimulator startLive() {
        if (live == null && !closed) {
            live = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread th = new Thread(r, "pulse-incident-simulator");
                th.setDaemon(true);
                return th;
            });
            scheduleNext();
            LOG.info("Incident simulator live: about {} SIMULATED road events a year ({})",
                    (long) calibration.roadEventsPerYear(), calibration.source());
        }
        return this;
    }

    private void scheduleNext() {
        long gapMs = Math.max(1, (long) exponential(YEAR_MS / calibration.roadEventsPerYear()));
        live.schedule(() -> {
            try {
                synchronized (this) {
                    publish(clock.instant());
                    sink.flush();
                }
            } catch (RuntimeException e) {
                LOG.warn("Incident simulator could not publish: {}", e.toString());
            }
            scheduleNext();
        }, gapMs, TimeUnit.MILLISECONDS);
    }

    private void publish(Instant at) {
        int injured = poisson(calibration.injuredPerYear() / calibration.roadEventsPerYear());
        int killed = poisson(calibration.killedPerYear() / calibration.roadEventsPerYear());
        GeoPoint point = pointInCity();
        IncidentCategory category = injured + killed > 0 ? IncidentCategory.ROAD_ACCIDENT : IncidentCategory.ROAD_COLLISION;
        Integer severity = killed > 0 ? Integer.valueOf(3) : injured > 0 ? null : Integer.valueOf(0);
        String id = Long.toHexString(seed) + "-" + at.toEpochMilli() + "-" + sequence++;
        ParseOutcome outcome = factory.build(new IncidentFactory.Candidate(id, category, "SIMULATED road event", severity,
                injured, killed, point, null, at, at, null, null, null), new byte[0], "simulator");
        sink.publish(outcome);
    }

    /** A uniformly random point inside the city's districts. */
    GeoPoint pointInCity() {
        while (true) {
            double lat = MIN_LAT + random.nextDouble() * (MAX_LAT - MIN_LAT);
            double lon = MIN_LON + random.nextDouble() * (MAX_LON - MIN_LON);
            Optional<District> d = city.districts().districtOf(lat, lon);
            if (d.isPresent()) {
                return new GeoPoint(lat, lon);
            }
        }
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private int poisson(double mean) {
        // Knuth: fine for the small means here (< 0.1)
        double l = Math.exp(-mean);
        int k = 0;
        double p = random.nextDouble();
        while (p > l) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }

    public Calibration calibration() {
        return calibration;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = backfillThread;
        }
        if (t != null) {
            t.interrupt(); // a backfill holds the lock; the interrupt ends its publishing
        }
        closeLive();
    }

    private synchronized void closeLive() {
        if (live != null) {
            live.shutdownNow();
            live = null;
        }
    }

    /** Default backfill: the last 400 days, so rolling 12-month and year-to-date windows have content. */
    public static final Duration DEFAULT_BACKFILL = Duration.ofDays(400);
}
