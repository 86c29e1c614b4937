package pl.krakow.pulse.ingest.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.environment.GiosTestData.FIXED_CLOCK;
import static pl.krakow.pulse.ingest.environment.GiosTestData.LAST_HOUR;
import static pl.krakow.pulse.ingest.environment.GiosTestData.T0;
import static pl.krakow.pulse.ingest.environment.GiosTestData.bundledCsv;
import static pl.krakow.pulse.ingest.environment.GiosTestData.nonEmptyCellsPerColumn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import pl.krakow.pulse.ingest.EventSink;
import pl.krakow.pulse.ingest.FeedFormats;
import pl.krakow.pulse.ingest.FileReplayer;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReplayReport;
import pl.krakow.pulse.ingest.ReplaySpeed;
import pl.krakow.pulse.platform.topics.Topics;

class GiosWideCsvFormatTest {

    /** Keeps what the replayer hands over. */
    private static final class RecordingSink implements EventSink {
        final List<ParseOutcome.Accepted<?>> accepted = new ArrayList<>();
        final List<ParseOutcome.Rejected> rejected = new ArrayList<>();

        @Override
        public void accept(ParseOutcome.Accepted<?> event) {
            accepted.add(event);
        }

        @Override
        public void reject(ParseOutcome.Rejected rejection) {
            rejected.add(rejection);
        }

        @Override
        public void flush() {
        }
    }

    @Test
    void isFoundByServiceLoader() {
        FeedFormats formats = FeedFormats.discover();
        assertThat(formats.names()).contains("gios-wide-csv");
        assertThat(formats.get("gios-wide-csv")).isInstanceOf(GiosWideCsvFormat.class);
        assertThat(formats.get("gios-wide-csv").topic()).isEqualTo(Topics.AIR_QUALITY);
    }

    @Test
    void bundledReplayPublishesEveryValueInEventTimeOrder() {
        int expected = nonEmptyCellsPerColumn(new String(bundledCsv(), StandardCharsets.UTF_8)).values().stream()
                .mapToInt(Integer::intValue).sum();
        RecordingSink sink = new RecordingSink();

        ReplayReport report = new FileReplayer(sink, IngestContext.defaults(FIXED_CLOCK))
                .replay(new GiosWideCsvFormat(), List.of(BundledData.airQualityCsv()), ReplaySpeed.MAX, null);

        assertThat(report.accepted()).isEqualTo(expected).isEqualTo(sink.accepted.size());
        assertThat(report.rejected()).isZero();
        assertThat(report.failedInputs()).isEmpty();
        assertThat(report.firstEventTime()).isEqualTo(T0);
        assertThat(report.lastEventTime()).isEqualTo(LAST_HOUR);
        Instant previous = Instant.MIN;
        for (ParseOutcome.Accepted<?> a : sink.accepted) {
            assertThat(a.eventTime()).isAfterOrEqualTo(previous);
            previous = a.eventTime();
        }
    }
}
