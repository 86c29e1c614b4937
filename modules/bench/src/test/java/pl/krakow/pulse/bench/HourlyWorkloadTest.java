package pl.krakow.pulse.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.environment.GiosWideCsvParser;
import pl.krakow.pulse.platform.config.PulseConfig;

/** The generated feed through the real parser (no broker): every generated value must be accepted as itself. */
class HourlyWorkloadTest {

    private static final Instant FIRST_HOUR_END = Instant.parse("2010-01-01T01:00:00Z");
    private final BundledSeries series = BundledSeries.bundled();
    private final HourlyWorkload workload = new HourlyWorkload(series, FIRST_HOUR_END);

    @Test
    void theRealParserAcceptsEveryGeneratedEventWithItsHourAndValue() throws IOException {
        long hours = series.rows() + 100L; // past the end of the table: it repeats
        List<AirQualityMeasurement> accepted = new ArrayList<>();
        long rejected = 0;
        try (Stream<ParseOutcome> outcomes = parser().parse(new CsvFeed(workload, 0, hours), "gen.csv")) {
            for (ParseOutcome o : (Iterable<ParseOutcome>) outcomes::iterator) {
                if (o instanceof ParseOutcome.Accepted<?> a) {
                    accepted.add((AirQualityMeasurement) a.value());
                } else {
                    rejected++;
                }
            }
        }
        assertThat(rejected).isZero();
        assertThat(accepted).hasSize((int) workload.events(0, hours));
        // Hour g ends g hours after the first; hour rows() repeats row 0's values one quarter later.
        long repeatEpoch = FIRST_HOUR_END.getEpochSecond() + 3600L * series.rows();
        List<AirQualityMeasurement> atRepeat = accepted.stream().filter(m -> m.getEventTime().getEpochSecond() == repeatEpoch).toList();
        List<AirQualityMeasurement> atFirst = accepted.stream().filter(m -> m.getEventTime().equals(FIRST_HOUR_END)).toList();
        assertThat(atRepeat).hasSameSizeAs(atFirst).isNotEmpty();
        for (int i = 0; i < atFirst.size(); i++) {
            assertThat(atRepeat.get(i).getStationCode()).isEqualTo(atFirst.get(i).getStationCode());
            assertThat(atRepeat.get(i).getConcentrationUgM3()).isEqualTo(atFirst.get(i).getConcentrationUgM3());
        }
    }

    @Test
    void hoursForCoversAtLeastTheRequestedEvents() {
        long hours = workload.hoursFor(10, 1000);
        assertThat(workload.events(10, hours)).isGreaterThanOrEqualTo(1000);
        assertThat(workload.events(10, hours - 1)).isLessThan(1000);
    }

    @Test
    void anUnpacedFeedIsTheHeaderThenOneLinePerHour() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        byte[] header = workload.headerLine();
        expected.write(header, 0, header.length);
        for (long g = 5; g < 8; g++) {
            workload.appendLine(g, expected);
        }
        try (InputStream feed = new CsvFeed(workload, 5, 3)) {
            assertThat(new String(feed.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(expected.toString(StandardCharsets.US_ASCII));
        }
        assertThat(expected.toString(StandardCharsets.US_ASCII)).contains("\n5," + (FIRST_HOUR_END.getEpochSecond() + 5 * 3600) + ",");
    }

    @Test
    void aPacedFeedReleasesLinesNoFasterThanTheRate() throws IOException {
        long hours = workload.hoursFor(0, 400);
        long events = workload.events(0, hours);
        CsvFeed feed = new CsvFeed(workload, 0, hours, 4000);
        long began = System.nanoTime();
        try (feed) {
            feed.readAllBytes();
        }
        // The last line is due after (events before it) / rate: a lower bound only, never a timing target.
        long lastLine = workload.events(hours - 1);
        assertThat(System.nanoTime() - began).isGreaterThanOrEqualTo((long) ((events - lastLine) * 1e9 / 4000) - 1_000_000);
        assertThat(feed.eventsReleased()).isEqualTo(events);
    }

    private static FeedParser parser() {
        IngestContext context = IngestContext.from(PulseConfig.defaults(), new SimpleMeterRegistry(), BenchTestInstants.FIXED_CLOCK);
        return FeedFormats.discover().get(GiosWideCsvParser.FEED).newParser(context);
    }
}
