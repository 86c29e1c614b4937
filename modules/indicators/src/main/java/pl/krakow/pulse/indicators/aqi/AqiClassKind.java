package pl.krakow.pulse.indicators.aqi;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.indicators.Iv3Kind;
import pl.krakow.pulse.indicators.Iv3Stages;
import pl.krakow.pulse.indicators.kind.KindParameters;
import pl.krakow.pulse.indicators.kind.ProcessorWithStores;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * Kind {@code aqi_class}: per station and hour, the air-quality index class ({@link AqiClassDefinition},
 * {@link AqiClassProcessor}, store {@code <id>-by-hour-and-station}), read straight from the station-keyed
 * measurements: every pollutant of a station-hour is on the station's task.
 *
 * <p>Parameters: {@code bands} (required; per pollutant, the ascending upper bounds in µg/m³ of classes 1..n) and
 * {@code averaging} (per pollutant, an ISO-8601 duration of whole hours up to {@code PT24H}: apply the bands to that
 * running mean instead of the hourly value).
 */
public final class AqiClassKind implements Iv3Kind<AqiClassDefinition> {

    public static final AqiClassKind INSTANCE = new AqiClassKind();

    private AqiClassKind() {
    }

    @Override
    public String name() {
        return AqiClassDefinition.KIND;
    }

    @Override
    public Set<String> parameterKeys() {
        return Set.of("bands", "averaging");
    }

    @Override
    public AqiClassDefinition parse(IndicatorCatalog.Indicator entry) {
        KindParameters p = new KindParameters(entry);
        Map<Pollutant, double[]> bands = new EnumMap<>(Pollutant.class);
        for (Map.Entry<String, JsonNode> e : p.mapping("bands").entrySet()) {
            JsonNode list = e.getValue();
            if (!list.isArray() || list.isEmpty()) {
                throw p.error("bands", "expected a non-empty list of upper bounds for " + e.getKey() + ", found " + list);
            }
            double[] bounds = new double[list.size()];
            for (int i = 0; i < bounds.length; i++) {
                if (!list.get(i).isNumber()) {
                    throw p.error("bands", "bounds of " + e.getKey() + " must be numbers, found " + list.get(i));
                }
                bounds[i] = list.get(i).doubleValue();
            }
            bands.put(p.pollutantNamed("bands", e.getKey()), bounds);
        }
        Map<Pollutant, Integer> averaging = new EnumMap<>(Pollutant.class);
        for (Map.Entry<String, JsonNode> e : p.mapping("averaging").entrySet()) {
            String text = e.getValue().asText();
            Duration d;
            try {
                d = Duration.parse(text);
            } catch (RuntimeException ex) {
                throw p.error("averaging", "averaging of " + e.getKey() + " is not an ISO-8601 duration: " + text, ex);
            }
            if (d.isZero() || d.isNegative() || d.toMinutesPart() != 0 || d.toSecondsPart() != 0 || d.toNanosPart() != 0
                    || d.toHours() > AqiClassDefinition.MAX_AVERAGING_HOURS) {
                throw p.error("averaging", "averaging of " + e.getKey() + " must be whole hours from PT1H to PT"
                        + AqiClassDefinition.MAX_AVERAGING_HOURS + "H, not " + text);
            }
            averaging.put(p.pollutantNamed("averaging", e.getKey()), (int) d.toHours());
        }
        try {
            return new AqiClassDefinition(entry.id(), entry.goal(), entry.unit(), bands, averaging,
                    entry.minCoverageOrDefault(), entry.graceDuration());
        } catch (IllegalArgumentException e) {
            throw p.error(bands.isEmpty() ? "bands" : "averaging", e.getMessage(), e);
        }
    }

    @Override
    public void contribute(IndicatorCatalog.Indicator entry, AqiClassDefinition a, Iv3Stages stages) {
        stages.addMeasurementStage(new Iv3Stages.MeasurementStage() {
            @Override
            public List<String> storeNames() {
                return List.of(a.storeName());
            }

            @Override
            public void build(KStream<String, AirQualityMeasurement> measurements, Iv3Stages.Wiring wiring) {
                // Straight from the station-keyed measurements: every pollutant of the station-hour is on this task.
                // Cached: a station-hour changes with each pollutant's value; entries live until the hour is FINAL.
                measurements.process(new ProcessorWithStores<>(() -> new AqiClassProcessor(a, stages.zone(), wiring.options().clock(),
                                        wiring.options().meters(), wiring.options().emitInterval()),
                                Set.of(ProcessorWithStores.cachedStore(a.storeName(), Serdes.String()))),
                                Named.as(a.processorName()))
                        .to(Topics.INDICATORS_IV3.name(), wiring.toTable(a.sinkName()));
            }
        });
    }
}
