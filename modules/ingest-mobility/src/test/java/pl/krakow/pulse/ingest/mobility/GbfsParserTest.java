package pl.krakow.pulse.ingest.mobility;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.mobility.MobilityTestSupport.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.mobility.BikeStationStatus;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.runtime.geo.KrakowDistricts;

class GbfsParserTest {

    private static final String FIRST = "station_status_20241120T060315Z.json";
    private final IngestContext context = context();
    private final GbfsParser parser = new GbfsParser(MobilityBundledData.OSLO_SYSTEM, KrakowDistricts.bundled(), EventValidator.of(context, Set.of()),
            CLOCK, context.meters());

    @Test
    void osloSnapshotBecomesOneStatusPerStationWithLocationFromTheStationList() throws Exception {
        parse(parser, bundled(MobilityBundledData.GBFS_OSLO_DIR + "station_information.csv"), "station_information.csv");
        byte[] body = bundled(MobilityBundledData.GBFS_OSLO_DIR + FIRST);
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        List<BikeStationStatus> out = accepted(parse(parser, body, FIRST), BikeStationStatus.class);
        assertThat(out).hasSize(root.path("data").path("stations").size());
        assertThat(out).allMatch(s -> s.getEventTime().getEpochSecond() == root.path("last_updated").asLong());
        assertThat(out).allMatch(s -> s.getDistrict() == null); // Oslo is outside every Kraków district
        assertThat(out).filteredOn(s -> s.getLocation() != null).isNotEmpty();
    }

    @Test
    void sameSnapshotReservedIsNotANewEvent() {
        byte[] body = bundled(MobilityBundledData.GBFS_OSLO_DIR + FIRST);
        parse(parser, body, FIRST);
        assertThat(parse(parser, body, FIRST)).isEmpty();
    }

    @Test
    void badDocumentsAndStationsAreRejected() {
        assertThat(rejected(parse(parser, "not json".getBytes(StandardCharsets.UTF_8), "station_status.json")))
                .singleElement().extracting(ParseOutcome.Rejected::reason).isEqualTo(ReasonCode.MALFORMED);
        assertThat(rejected(parse(parser, new byte[0], "station_status.json")))
                .singleElement().extracting(ParseOutcome.Rejected::reason).isEqualTo(ReasonCode.EMPTY_INPUT);
        String doc = "{\"last_updated\":1732082595,\"data\":{\"stations\":[{\"station_id\":\"1\",\"num_docks_available\":3},"
                + "{\"station_id\":\"2\",\"num_bikes_available\":-1,\"num_docks_available\":3},"
                + "{\"station_id\":\"3\",\"num_bikes_available\":2,\"num_docks_available\":3}]}}";
        List<ParseOutcome> out = parse(parser, doc.getBytes(StandardCharsets.UTF_8), "station_status.json");
        assertThat(rejected(out)).extracting(ParseOutcome.Rejected::reason).containsExactly(ReasonCode.MALFORMED, ReasonCode.OUT_OF_RANGE);
        assertThat(accepted(out, BikeStationStatus.class)).extracting(BikeStationStatus::getStationId).containsExactly("3");
    }
}
