package pl.krakow.pulse.app;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.ingest.ConsoleProgressBar;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ProgressListener;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.ingest.environment.BundledData;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.ingest.environment.ImgwSynopCsvParser;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.runtime.service.Service;

/**
 * The replay of the bundled environment data in {@code pulse run}, as a {@link Service} named
 * {@code bundled-replay}: {@link #start()} replays, on a background thread, the bundled IMGW weather
 * (744 hours) at full speed — it is tiny and feeds no indicator yet — then the real GIOŚ/WIOŚ PM data of
 * 2017 Q1 at the configured speed with a progress bar on stderr. Ready once started (finishing is its
 * normal end); a failed replay is logged. {@link #close()} interrupts it.
 */
final class BundledReplay implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(BundledReplay.class);

    private final EventSink sink;
    private final FileReplayer replayer;
    private final ReplaySpeed speed;
    private Thread thread;
    private volatile ReplayReport report;
    private volatile boolean closed;

    BundledReplay(EventSink sink, IngestContext context, ReplaySpeed speed) {
        this.sink = sink;
        this.replayer = new FileReplayer(sink, context);
        this.speed = speed;
    }

    @Override
    public String name() {
        return "bundled-replay";
    }

    @Override
    public synchronized void start() {
        thread = new Thread(() -> {
            try {
                ReplayReport weather = replayer.replay(FeedFormats.discover().get(ImgwSynopCsvParser.FEED),
                        List.of(BundledData.weatherCsv()), ReplaySpeed.MAX, ProgressListener.NONE);
                LOG.info("Replayed the bundled IMGW weather to {}: {}", Topics.WEATHER.name(), weather);
                report = replayer.replay(FeedFormats.discover().get(GiosWideCsvParser.FEED),
                        List.of(BundledData.airQualityCsv()), speed, new ConsoleProgressBar(System.err));
                sink.flush();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("Replay of the bundled data failed", e);
                }
            }
        }, "pulse-bundled-replay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized boolean isReady() {
        return thread != null && !closed;
    }

    @Override
    public String status() {
        ReplayReport r = report;
        return r != null ? "done: " + r : isReady() ? "replaying" : "not started";
    }

    /** Waits for the replay to finish; its PM report, or null if it was not started or failed. */
    ReplayReport await(Duration timeout) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            return null;
        }
        t.join(timeout.toMillis());
        return report;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
    }
}
