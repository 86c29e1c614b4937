package pl.krakow.pulse.testsupport.kafka;

import java.util.Map;
import java.util.TreeMap;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.platform.topics.TopicSpec;

/** An indicator table topic read as a {@link TableReader}, with the FINAL records per key. */
public class IndicatorTable extends TableReader<IndicatorValue> {

    public IndicatorTable(EmbeddedPlatform platform, TopicSpec<IndicatorValue> topic) {
        super(platform, topic);
    }

    /** How many FINAL records each key received (a key with more than one was revised). */
    public Map<String, Integer> finalsPerKey() {
        Map<String, Integer> out = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (records.get(i).getStatus() == IndicatorStatus.FINAL) {
                out.merge(keys.get(i), 1, Integer::sum);
            }
        }
        return out;
    }
}
