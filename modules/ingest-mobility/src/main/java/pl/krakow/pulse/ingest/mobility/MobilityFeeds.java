package pl.krakow.pulse.ingest.mobility;

import java.net.URI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ProgressListener;
import pl.krakow.pulse.ingest.ReplayInput;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.runtime.service.Service;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The mobility feeds of {@code pulse run}, started with one call: loads the bundled Kraków static GTFS
 * and publishes its stops and routes ({@code reference.*}), optionally replays the bundled real recordings
 * (Kraków VehiclePositions, Poznań TripUpdates, Oslo GBFS) on a background thread, and polls the
 * GTFS-Realtime and GBFS URLs of the configuration ({@code mobility.gtfsrt.urls}, {@code mobility.gbfs.urls}).
 * A failing feed never stops the others: each replay and each polled target fails on its own.
 *
 * <p>A {@link Service} named {@code mobility-feeds}: {@link #fromConfig} builds it, {@link #start()} does the
 * above on a background thread; ready once started (a feed that fails is logged, the others go on).
 */
public final class MobilityFeeds implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(MobilityFeeds.class);

    private final PulseConfig config;
    private final EventSink sink;
    private final IngestContext context;
    private volatile TransitIndex index;
    private final PlausibleArea area;
    private final UnknownTripPolicy unknownTrips;
    private final KrakowDistricts districts = KrakowDistricts.bundled();
    private final List<AutoCloseable> toClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ReplayReport> reports = Collections.synchronizedList(new ArrayList<>());
    private Thread replayThread;
    private volatile boolean closed;

    /**
     * @param sink    where events and rejections go (the Kafka publisher in {@code pulse run})
     * @param context limits, clock and meters of the ingest side
     */
    public MobilityFeeds(PulseConfig config, EventSink sink, IngestContext context) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.context = Objects.requireNonNull(context, "context");
        this.area = config.get(MobilityConfig.AREA_BBOX);
        this.unknownTrips = UnknownTripPolicy.valueOf(config.get(MobilityConfig.UNKNOWN_TRIP).toUpperCase(Locale.ROOT));
    }

    /**
     * What {@code pulse run} runs, not started: an own Kafka publisher; {@link #start()} then publishes the
     * static reference, starts the bundled replay (when {@code replayBundled}) and the configured pollers.
     */
    public static MobilityFeeds fromConfig(PulseConfig config, KafkaClients clients, PulseSerdes serdes, PulseMetrics metrics,
                                           boolean replayBundled) {
        EventPublisher publisher = new EventPublisher(clients, serdes, metrics, "pulse-mobility");
        MobilityFeeds feeds;
        try {
            feeds = new MobilityFeeds(config, publisher, IngestContext.from(config, metrics.registry()));
        } catch (RuntimeException e) {
            publisher.close();
            throw e;
        }
        feeds.toClose.add(publisher);
        feeds.replayBundledOnStart = replayBundled;
        return feeds;
    }

    private volatile Thread starter;
    private boolean replayBundledOnStart;

    @Override
    public String name() {
        return "mobility-feeds";
    }

    /** Loads and publishes the static reference, then the bundled replay (if asked) and the pollers, in the background. */
    @Override
    public synchronized void start() {
        // Loading ~70 000 trips takes a second or two: off the start-up path, so indicators are served sooner.
        Thread s = new Thread(() -> {
            try {
                index();
                if (replayBundledOnStart) {
                    startBundledReplay(config.get(IngestConfig.REPLAY_SPEED), ProgressListener.NONE);
                }
                startPolling();
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("Mobility feeds could not start", e);
                }
            }
        }, "pulse-mobility-start");
        s.setDaemon(true);
        starter = s;
        s.start();
    }

    /** Once started and until closed: each feed fails on its own, logged. */
    @Override
    public boolean isReady() {
        return starter != null && !closed;
    }

    @Override
    public String status() {
        return starter == null ? "not started" : reports.size() + " bundled replay(s) done";
    }

    private TransitIndex loadAndPublishStatic() {
        GtfsReference reference = new GtfsReference(districts, context.clock());
        List<GtfsFeed> loaded = new ArrayList<>();
        for (String id : MobilityBundledData.STATIC_FEED_IDS) {
            try {
                GtfsFeed feed = MobilityBundledData.krakowStaticFeed(id);
                int n = reference.publish(feed, sink);
                loaded.add(feed);
                LOG.info("GTFS {}: {} stops, {} routes, {} trips; published {} reference records", id, feed.stops().size(),
                        feed.routes().size(), feed.trips().size(), n);
            } catch (GtfsFormatException e) {
                sink.reject(reference.rejection(id, e));
                LOG.warn("GTFS {} not loaded: {}", id, e.getMessage());
            }
        }
        sink.flush();
        return new TransitIndex(loaded);
    }

    /** The static feeds, loaded and published to the reference topics on first use. */
    public TransitIndex index() {
        TransitIndex i = index;
        if (i == null) {
            synchronized (this) {
                if (index == null) {
                    index = loadAndPublishStatic();
                }
                i = index;
            }
        }
        return i;
    }

    /** A parser for a realtime feed, bound to the loaded static feeds, the configured area and policy. */
    public GtfsRealtimeParser realtimeParser(Function<String, RealtimeFeed> feedOfInput) {
        return new GtfsRealtimeParser(feedOfInput, index(), area, districts, unknownTrips,
                EventValidator.of(context, Set.of()), context.clock(), context.meters());
    }

    public GbfsParser gbfsParser(String systemId) {
        return new GbfsParser(systemId, districts, EventValidator.of(context, Set.of()), context.clock(), context.meters());
    }

    /** Replays the bundled recordings in the background: Kraków positions, Poznań trip updates, Oslo GBFS. */
    public void startBundledReplay(ReplaySpeed speed, ProgressListener progress) {
        FileReplayer replayer = new FileReplayer(sink, context);
        replayThread = new Thread(() -> {
            replay(replayer, "gtfs-rt-krakow (bundled)", Topics.VEHICLE_POSITIONS,
                    () -> realtimeParser(MobilityBundledData.krakowFeedOfFile()),
                    MobilityBundledData.krakowVehiclePositions(), speed, progress);
            RealtimeFeed poznan = MobilityBundledData.poznanFeed();
            replay(replayer, "gtfs-rt-poznan (bundled)", Topics.STOP_EVENTS, () -> realtimeParser(n -> poznan),
                    List.of(MobilityBundledData.poznanTripUpdates()), speed, progress);
            replay(replayer, "gbfs-oslo (bundled)", Topics.BIKE_STATIONS, () -> gbfsParser(MobilityBundledData.OSLO_SYSTEM),
                    MobilityBundledData.osloGbfs(), speed, progress);
        }, "pulse-mobility-replay");
        replayThread.setDaemon(true);
        replayThread.start();
    }

    private void replay(FileReplayer replayer, String name, TopicSpec<?> topic, java.util.function.Supplier<FeedParser> parser,
                        List<ReplayInput> inputs, ReplaySpeed speed, ProgressListener progress) {
        if (closed || Thread.currentThread().isInterrupted()) {
            return;
        }
        try {
            reports.add(replayer.replay(format(name, topic, parser), inputs, speed, progress));
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("Replay of {} failed; the other mobility replays go on", name, e);
            }
        }
    }

    /** Waits for the bundled replay; the reports of the replays finished so far (Kraków, Poznań, Oslo). */
    public List<ReplayReport> awaitReplay(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread s = starter;
        if (s != null) {
            s.join(Math.max(1, timeout.toMillis()));
        }
        if (replayThread != null) {
            timeout = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
            replayThread.join(timeout.toMillis());
        }
        return List.copyOf(reports);
    }

    /** Starts the pollers of {@code mobility.gtfsrt.urls} and {@code mobility.gbfs.urls}, if any. */
    public void startPolling() {
        List<PolledFeedUrls> rt = config.get(MobilityConfig.GTFSRT_URLS);
        List<PolledFeedUrls> gbfs = config.get(MobilityConfig.GBFS_URLS);
        if (rt.isEmpty() && gbfs.isEmpty()) {
            return;
        }
        FeedPoller poller = new FeedPoller(sink, config.get(MobilityConfig.POLL_INTERVAL),
                config.get(MobilityConfig.POLL_MAX_BACKOFF), context.meters());
        toClose.add(0, poller);
        for (PolledFeedUrls polled : rt) {
            String id = polled.id();
            // every polled feed of a deployment is one system: one partition, so the city-wide counts see time order
            RealtimeFeed feed = new RealtimeFeed(id, index().feed(id).isPresent() ? id : null, modeOf(id), "polled");
            poller.start(new FeedPoller.Target("gtfs-rt:" + id, polled.urls(), realtimeParser(n -> feed)));
        }
        for (PolledFeedUrls polled : gbfs) {
            poller.start(new FeedPoller.Target("gbfs:" + polled.id(), polled.urls(), gbfsParser(polled.id())));
        }
    }

    /** The one mode of a static feed's routes (Kraków publishes one feed per mode), else OTHER. */
    private TransportMode modeOf(String staticFeedId) {
        return index().feed(staticFeedId).map(f -> {
            Set<TransportMode> modes = new java.util.HashSet<>();
            f.routes().values().forEach(r -> modes.add(TransportModes.of(r.routeType())));
            return modes.size() == 1 ? modes.iterator().next() : TransportMode.OTHER;
        }).orElse(TransportMode.OTHER);
    }

    static FeedFormat format(String name, TopicSpec<?> topic, java.util.function.Supplier<FeedParser> parser) {
        return new FeedFormat() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return name;
            }

            @Override
            public TopicSpec<?> topic() {
                return topic;
            }

            @Override
            public FeedParser newParser(IngestContext ignored) {
                return parser.get();
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        if (starter != null) {
            starter.interrupt();
        }
        if (replayThread != null) {
            replayThread.interrupt();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error stopping {}: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

}
