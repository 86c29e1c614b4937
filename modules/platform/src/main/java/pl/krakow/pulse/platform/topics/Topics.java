package pl.krakow.pulse.platform.topics;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import pl.krakow.pulse.events.alerts.Alert;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.NoiseMeasurement;
import pl.krakow.pulse.events.environment.WeatherObservation;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.indicators.LateEvent;
import pl.krakow.pulse.events.ingest.RejectedRecord;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.events.mobility.StopEvent;
import pl.krakow.pulse.events.mobility.VehiclePosition;
import pl.krakow.pulse.events.reference.DistrictPopulation;
import pl.krakow.pulse.events.reference.MonitoringStation;
import pl.krakow.pulse.events.reference.TransitRoute;
import pl.krakow.pulse.events.reference.TransitStop;
import pl.krakow.pulse.events.safety.Incident;

/**
 * The typed topic registry (DESIGN §7): the only place topic names, partition counts, configs and
 * compatibility levels appear. Code refers to {@code Topics.AIR_QUALITY}, never to a string.
 */
public final class Topics {

    private Topics() {
    }

    /**
     * Partitions of every partitioned topic when {@code topics.partitions} does not say otherwise. Two, not
     * the six DESIGN §7 first had: on the single-node default one stream thread runs every task, and each
     * partition is a task with its own stores, punctuators and share of every exactly-once commit — 6 → 2
     * raised the benchmark's IV.3 throughput about 1.5-fold (BENCHMARKS.md). A deployment that runs more
     * stream threads or instances raises it before the topics are first created.
     */
    public static final int DEFAULT_PARTITIONS = 2;

    public static final TopicSpec<AirQualityMeasurement> AIR_QUALITY = event("environment.air-quality.v1",
            AirQualityMeasurement.class, Duration.ofDays(400), "station code");
    public static final TopicSpec<NoiseMeasurement> NOISE = event("environment.noise.v1",
            NoiseMeasurement.class, Duration.ofDays(400), "sensor id");
    public static final TopicSpec<WeatherObservation> WEATHER = event("environment.weather.v1",
            WeatherObservation.class, Duration.ofDays(400), "station id");
    public static final TopicSpec<VehiclePosition> VEHICLE_POSITIONS = event("mobility.vehicle-positions.v1",
            VehiclePosition.class, Duration.ofDays(7), "transit system (one partition per system keeps its snapshots in time order)");
    public static final TopicSpec<StopEvent> STOP_EVENTS = event("mobility.stop-events.v1",
            StopEvent.class, Duration.ofDays(30), "transit system");
    public static final TopicSpec<BikeStationStatus> BIKE_STATIONS = event("mobility.bike-stations.v1",
            BikeStationStatus.class, Duration.ofDays(30), "bike-share system");
    public static final TopicSpec<Incident> INCIDENTS = event("safety.incidents.v1",
            Incident.class, Duration.ofDays(800), "incident id");

    public static final TopicSpec<MonitoringStation> REFERENCE_STATIONS = reference("reference.stations.v1",
            MonitoringStation.class, "station code");
    public static final TopicSpec<TransitStop> REFERENCE_STOPS = reference("reference.stops.v1",
            TransitStop.class, "feed id|stop id");
    public static final TopicSpec<TransitRoute> REFERENCE_ROUTES = reference("reference.routes.v1",
            TransitRoute.class, "feed id|route id");
    public static final TopicSpec<DistrictPopulation> REFERENCE_POPULATIONS = reference("reference.populations.v1",
            DistrictPopulation.class, "scope|year");

    public static final TopicSpec<IndicatorValue> INDICATORS_IV3 = indicatorTable("indicators.iv3.v1");
    public static final TopicSpec<IndicatorValue> INDICATORS_IV4 = indicatorTable("indicators.iv4.v1");
    public static final TopicSpec<IndicatorValue> INDICATORS_IV5 = indicatorTable("indicators.iv5.v1");

    /** Events that arrived after their window's grace: kept and counted, not lost. */
    public static final TopicSpec<LateEvent> LATE_EVENTS = new TopicSpec<>("indicators.late.v1", LateEvent.class,
            DEFAULT_PARTITIONS, Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(30))),
            Compatibility.BACKWARD_TRANSITIVE, "the late event's key");

    public static final TopicSpec<Alert> ALERTS = new TopicSpec<>("alerts.v1", Alert.class, DEFAULT_PARTITIONS,
            Map.of("cleanup.policy", "compact,delete", "retention.ms", millis(Duration.ofDays(400))),
            Compatibility.FULL_TRANSITIVE, "indicator id|scope|rule id");

    public static final TopicSpec<RejectedRecord> REJECTED = new TopicSpec<>("ingest.rejected.v1", RejectedRecord.class,
            DEFAULT_PARTITIONS, Map.of("cleanup.policy", "delete", "retention.ms", millis(Duration.ofDays(30))),
            Compatibility.BACKWARD_TRANSITIVE, "feed");

    private static final List<TopicSpec<?>> ALL = List.of(AIR_QUALITY, NOISE, WEATHER, VEHICLE_POSITIONS, STOP_EVENTS,
            BIKE_STATIONS, INCIDENTS, REFERENCE_STATIONS, REFERENCE_STOPS, REFERENCE_ROUTES, REFERENCE_POPULATIONS,
            INDICATORS_IV3, INDICATORS_IV4, INDICATORS_IV5, LATE_EVENTS, ALERTS, REJECTED);

    /** Every topic, in the order of DESIGN §7. */
    public static List<TopicSpec<?>> all() {
        return ALL;
    }

    /** The indicator table of an operational goal ("IV.3" → indicators.iv3.v1). */
    public static TopicSpec<IndicatorValue> indicatorTableOf(String goal) {
        return switch (goal.toUpperCase(java.util.Locale.ROOT)) {
            case "IV.3" -> INDICATORS_IV3;
            case "IV.4" -> INDICATORS_IV4;
            case "IV.5" -> INDICATORS_IV5;
            default -> throw new IllegalArgumentException("no indicator table for goal " + goal);
        };
    }

    private static <V extends SpecificRecord> TopicSpec<V> event(String name, Class<V> type, Duration retention, String key) {
        return new TopicSpec<>(name, type, DEFAULT_PARTITIONS,
                Map.of("cleanup.policy", "delete", "retention.ms", millis(retention)),
                Compatibility.BACKWARD_TRANSITIVE, key);
    }

    private static <V extends SpecificRecord> TopicSpec<V> reference(String name, Class<V> type, String key) {
        return new TopicSpec<>(name, type, 1, Map.of("cleanup.policy", "compact"), Compatibility.BACKWARD_TRANSITIVE, key);
    }

    private static TopicSpec<IndicatorValue> indicatorTable(String name) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", "compact");
        // Compact promptly so a table reader sees the latest revision without wading through provisional ones.
        configs.put("min.cleanable.dirty.ratio", "0.1");
        configs.put("segment.ms", millis(Duration.ofHours(6)));
        return new TopicSpec<>(name, IndicatorValue.class, DEFAULT_PARTITIONS, Map.copyOf(configs),
                Compatibility.FULL_TRANSITIVE, "indicator id|scope|window start (ISO-8601)");
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }
}
