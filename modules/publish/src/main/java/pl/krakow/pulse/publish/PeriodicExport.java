package pl.krakow.pulse.publish;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.runtime.service.Service;

/**
 * The periodic open-data export ({@code export.directory}, {@code export.interval}; off when the
 * directory is empty): every interval, for every goal, one CSV with its {@code .meta.json} and one
 * JSON envelope holding the whole table the read model has (all windows), written atomically over the
 * previous files. It runs only once the read model has caught up, so a file never shows a half-read table.
 * A {@link Service} named {@code open-data-export}: the first export runs on {@link #start()}.
 */
public final class PeriodicExport implements Service {

    public static final String NAME = "open-data-export";

    private static final Logger LOG = LoggerFactory.getLogger(PeriodicExport.class);

    private final Path directory;
    private final IndicatorReadModel model;
    private final IndicatorCatalog catalog;
    private final ZoneId zone;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private volatile int runs;
    private volatile boolean started;

    public PeriodicExport(Path directory, Duration interval, IndicatorReadModel model, IndicatorCatalog catalog,
                          ZoneId zone, Clock clock) {
        this.directory = directory;
        this.model = model;
        this.catalog = catalog;
        this.zone = zone;
        this.clock = clock;
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pulse-open-data-export");
            t.setDaemon(true);
            return t;
        });
    }

    /** Not started; null when {@code export.directory} is empty. */
    public static PeriodicExport fromConfig(PulseConfig config, IndicatorReadModel model, IndicatorCatalog catalog) {
        String dir = config.get(PublishConfig.EXPORT_DIRECTORY);
        if (dir.isBlank()) {
            return null;
        }
        return new PeriodicExport(Path.of(dir), config.get(PublishConfig.EXPORT_INTERVAL), model, catalog,
                ZoneId.of(config.get(PlatformConfig.TIME_ZONE)), Clock.systemUTC());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Exports now, then every interval, on its own thread. */
    @Override
    public void start() {
        started = true;
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Open-data export to {} every {}", directory, interval);
    }

    /** Once started: a failed run is retried at the next interval by itself. */
    @Override
    public boolean isReady() {
        return started && !scheduler.isShutdown();
    }

    @Override
    public String status() {
        return started ? runs + " export(s) to " + directory : "not started";
    }

    /** Export runs completed (for tests and the log). */
    public int runs() {
        return runs;
    }

    void runOnce() {
        try {
            if (!model.awaitCaughtUp(Duration.ofMinutes(10))) {
                return;
            }
            List<Path> written = new ArrayList<>();
            List<IndicatorValue> values = new ArrayList<>();
            for (String id : model.indicatorIds()) {
                for (String scope : model.scopes(id)) {
                    values.addAll(model.history(id, scope, Instant.MIN, Instant.MAX));
                }
            }
            for (IndicatorCatalog.Goal goal : catalog.goals()) {
                for (OpenDataExport.Format f : OpenDataExport.Format.values()) {
                    written.addAll(OpenDataExport.write(directory, goal.id(), values, null, null, f, catalog, zone,
                            clock.instant(), model::isSimulated));
                }
            }
            runs++;
            LOG.debug("Open-data export wrote {}", written);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Open-data export to {} failed; retrying at the next interval: {}", directory, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
