package pl.krakow.pulse.bench;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import com.google.transit.realtime.GtfsRealtime.FeedEntity;
import com.google.transit.realtime.GtfsRealtime.FeedHeader;
import com.google.transit.realtime.GtfsRealtime.FeedMessage;
import com.google.transit.realtime.GtfsRealtime.Position;
import com.google.transit.realtime.GtfsRealtime.VehicleDescriptor;
import com.google.transit.realtime.GtfsRealtime.VehiclePosition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pl.krakow.pulse.events.mobility.TransportMode;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.indicators.iv4.Iv4MobilityTopology;
import pl.krakow.pulse.ingest.EventPublisher;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;
import pl.krakow.pulse.ingest.mobility.GtfsRealtimeParser;
import pl.krakow.pulse.ingest.mobility.MobilityBundledData;
import pl.krakow.pulse.ingest.mobility.PlausibleArea;
import pl.krakow.pulse.ingest.mobility.RealtimeFeed;
import pl.krakow.pulse.ingest.mobility.TransitIndex;
import pl.krakow.pulse.ingest.mobility.UnknownTripPolicy;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.catalog.Places;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.ingest.mobility.MobilityConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Section "gtfs-rt": a GTFS-Realtime-shaped load through the real mobility path. One VehiclePositions
 * snapshot of {@value #VEHICLES} vehicles every 10 s of simulated time for a simulated day (quick: an hour),
 * encoded as protobuf bodies, decoded by the real {@code GtfsRealtimeParser} (area, time, duplicate and
 * FULL_DATASET checks), published by the real {@code EventPublisher} to {@code mobility.vehicle-positions.v1},
 * aggregated by the real IV.4 application into {@code indicators.iv4.v1}, read back {@code read_committed}.
 *
 * <p><b>Simulated data, labelled so:</b> the vehicles and their starting positions are the real ones of
 * the bundled Kraków snapshots of 2024-08-20 14:28 UTC (bus + tram) and 2024-08-12 (bus), each then moved
 * ~55 m along its reported bearing per 10-s step; the feed is {@code gtfs-rt:simulated-krakow} and every
 * vehicle id starts with {@code sim-}, so the records say what they are.
 *
 * <p>events/s = vehicle positions ÷ (the moment the second-to-last simulated minute's FINAL city count shows
 * all {@value #VEHICLES} vehicles in the table − the first body handed to the parser), as fast as possible.
 */
final class GtfsRtWorkload {

    static final String ID = "gtfs-rt";
    static final int VEHICLES = 700;
    static final Duration STEP = Duration.ofSeconds(10);
    /** The simulated day: the day after the real snapshots. */
    static final Instant SIMULATED_START = Instant.parse("2024-08-21T00:00:00Z");
    static final String FEED_ID = "simulated-krakow";

    private GtfsRtWorkload() {
    }

    /** A real vehicle's starting point. */
    record Seed(String id, double lat, double lon, float bearingDeg) {
    }

    /** The first {@value #VEHICLES} distinct vehicles of the real snapshots, ids prefixed {@code sim-}. */
    static List<Seed> seeds() {
        Map<String, Seed> out = new LinkedHashMap<>();
        for (String file : List.of("VehiclePositions_A_20240820T142829Z.pb", "VehiclePositions_T_20240820T142843Z.pb",
                "VehiclePositions_20240812T123631Z.pb")) {
            try (InputStream in = MobilityBundledData.open(MobilityBundledData.RT_KRAKOW_DIR + file)) {
                String feed = file.contains("_T_") ? "T" : file.contains("_A_") ? "A" : "B";
                for (FeedEntity e : FeedMessage.parseFrom(in).getEntityList()) {
                    if (out.size() == VEHICLES) {
                        break;
                    }
                    VehiclePosition v = e.getVehicle();
                    String id = "sim-" + feed + "-" + v.getVehicle().getId();
                    out.putIfAbsent(id, new Seed(id, v.getPosition().getLatitude(), v.getPosition().getLongitude(),
                            v.getPosition().getBearing()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(out.values());
    }

    /** Snapshot {@code k} of the simulated day: every vehicle moved k steps of ~55 m (20 km/h) along its bearing. */
    static byte[] snapshot(List<Seed> seeds, int k) {
        long t = SIMULATED_START.getEpochSecond() + k * STEP.toSeconds();
        FeedMessage.Builder m = FeedMessage.newBuilder().setHeader(FeedHeader.newBuilder().setGtfsRealtimeVersion("2.0")
                .setIncrementality(FeedHeader.Incrementality.FULL_DATASET).setTimestamp(t));
        for (Seed s : seeds) {
            // back and forth over ~2 km so positions stay in the city for the whole day
            double along = 0.0555 * (k % 72 < 36 ? k % 36 : 36 - k % 36);
            double rad = Math.toRadians(s.bearingDeg());
            double lat = s.lat() + along * Math.cos(rad) / 111.32;
            double lon = s.lon() + along * Math.sin(rad) / (111.32 * Math.cos(Math.toRadians(s.lat())));
            m.addEntity(FeedEntity.newBuilder().setId(s.id()).setVehicle(VehiclePosition.newBuilder()
                    .setVehicle(VehicleDescriptor.newBuilder().setId(s.id()).setLabel("simulated"))
                    .setPosition(Position.newBuilder().setLatitude((float) lat).setLongitude((float) lon).setBearing(s.bearingDeg()))
                    .setTimestamp(t)));
        }
        return m.build().toByteArray();
    }

    /**
     * The whole simulated day (6 M positions) when this section is run on its own in full mode
     * ({@code --sections gtfs-rt}); two simulated hours in a complete full run, which must stay within
     * its 10-minute budget; otherwise (a smoke check) as many snapshots as the end-to-end size holds, at
     * least 7 (two simulated minutes) and at most an hour.
     */
    static int snapshots(BenchOptions options) {
        int day = (int) (Duration.ofDays(1).toSeconds() / STEP.toSeconds());
        if (options.mode().equals("full")) {
            boolean alone = options.sections().stream().noneMatch(id -> !id.equals(ID) && !id.equals("raw") && !id.equals("memory"));
            return alone ? day : day / 12;
        }
        return (int) Math.max(7, Math.min(360, options.endToEndEvents() / VEHICLES));
    }

    static Section run(BenchContext ctx) throws Exception {
        int snapshots = snapshots(ctx.options);
        List<Seed> seeds = seeds();
        PulseConfig config = ctx.platform.config().with(Map.of(PlatformConfig.APPLICATION_ID_PREFIX.name(), "bench-gtfs-rt"));
        KafkaClients clients = new KafkaClients(ctx.platform.bootstrapServers(), config);
        ctx.platform.resetTopics(List.of(Topics.VEHICLE_POSITIONS, Topics.INDICATORS_IV4, Topics.REJECTED));

        long lastMinute = SIMULATED_START.getEpochSecond() + (snapshots - 1) * STEP.toSeconds();
        // The minute before the last one: it turns FINAL the moment the last minute's first position arrives, so
        // the measurement does not wait for the wall-clock punctuator that emits the last minute's PROVISIONAL value.
        Instant closedMinute = Instant.ofEpochSecond(lastMinute / 60 * 60 - 60);
        // The simulated feed names no city (it is not Kraków's data): its values are scoped system:simulated-krakow.
        String lastKey = IndicatorKeys.key("iv4.pt.vehicles_in_service", Places.ofFeed(FEED_ID).scope(), closedMinute,
                ctx.platform.zone());

        // Ingest's clock is the end of the simulated day, so the simulated times pass the time-sanity check.
        Clock ingestClock = Clock.fixed(Instant.ofEpochSecond(lastMinute).plusSeconds(60), java.time.ZoneOffset.UTC);
        try (PulseMetrics metrics = new PulseMetrics("pulse-bench");
             EventPublisher publisher = new EventPublisher(clients, ctx.platform.serdes(), metrics, "bench-gtfs-rt");
             TableWatcher table = new TableWatcher(clients, ctx.platform.serdes(), Topics.INDICATORS_IV4, "bench-gtfs-rt-table", true)) {
            StreamsApplication app = Iv4MobilityTopology.application(clients, ctx.platform.serdes(), ctx.platform.catalog(),
                    ctx.platform.zone(), metrics, ctx.platform.workDir().resolve("streams").resolve("bench-gtfs-rt"),
                    TopologyOptions.defaults().withMeters(metrics.registry())
                            .withPunctuationInterval(config.get(RuntimeConfig.PUNCTUATION_INTERVAL)));
            try (app) {
                app.start();
                long deadline = System.nanoTime() + ctx.options.timeout().toNanos();
                while (!app.isRunning()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(app.applicationId() + " not RUNNING: " + app.state());
                    }
                    Thread.sleep(5);
                }
                IngestContext context = IngestContext.from(config, metrics.registry(), ingestClock);
                RealtimeFeed feed = new RealtimeFeed(FEED_ID, null, TransportMode.BUS, FEED_ID);
                GtfsRealtimeParser parser = new GtfsRealtimeParser(n -> feed, TransitIndex.empty(),
                        config.get(MobilityConfig.AREA_BBOX), KrakowDistricts.bundled(),
                        UnknownTripPolicy.KEEP, EventValidator.of(context, Set.of()), ingestClock, metrics.registry());
                TableWatcher.Expectation done = table.expect(Map.of(lastKey, seeds.size()), false);
                long accepted = 0;
                long start = System.nanoTime();
                for (int k = 0; k < snapshots; k++) {
                    for (ParseOutcome o : parser.parse(snapshot(seeds, k), "simulated-" + k + ".pb").toList()) {
                        publisher.publish(o);
                        accepted += o instanceof ParseOutcome.Accepted<?> ? 1 : 0;
                    }
                }
                publisher.flush();
                long ingested = System.nanoTime();
                long visible = table.await(done, ctx.options.timeout().multipliedBy(5));
                double rate = accepted * 1e9 / (visible - start);
                ctx.progress("gtfs-rt: %s simulated positions (%d snapshots × %d vehicles) in %s events/s (ingest alone %s events/s)",
                        BenchContext.count(accepted), snapshots, seeds.size(), BenchContext.count(rate),
                        BenchContext.count(accepted * 1e9 / (ingested - start)));
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("snapshots", snapshots);
                params.put("vehicles", seeds.size());
                params.put("simulatedTime", SIMULATED_START + " .. " + Instant.ofEpochSecond(lastMinute));
                params.put("data", "SIMULATED: real Kraków vehicles and start positions (2024-08-20/12 snapshots) moved ~55 m per "
                        + "10 s; feed gtfs-rt:" + FEED_ID + ", ids sim-*");
                params.put("path", "protobuf bodies -> GtfsRealtimeParser -> EventPublisher -> mobility.vehicle-positions.v1 -> "
                        + "IV.4 application -> indicators.iv4.v1 -> read_committed consumer");
                params.put("warmup", "none (one run)");
                return new Section(ID, "GTFS-RT-shaped load (simulated)", params,
                        List.of(Figure.of("events/s", "events/s", List.of(rate)),
                                Figure.of("ingest events/s", "events/s", List.of(accepted * 1e9 / (ingested - start)))),
                        List.of("one repetition: a simulated day is " + BenchContext.count(accepted) + " positions",
                                "events/s ends when the second-to-last simulated minute's FINAL city count shows every vehicle "
                                        + "(FINAL as the last minute's first position arrives; the last minute only has PROVISIONAL values, "
                                        + "emitted by the wall-clock punctuator)"));
            } finally {
                ctx.platform.deleteTopicsWithPrefix("bench-gtfs-rt-");
                BenchPlatform.deleteRecursively(ctx.platform.workDir().resolve("streams").resolve("bench-gtfs-rt"));
            }
        }
    }

}
