package pl.krakow.pulse.ingest.safety;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;

/** Everything one parse of one input produced, split into incidents and rejections. */
record ParseResults(List<Incident> incidents, List<ParseOutcome.Rejected> rejected) {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);

    static ParseResults parse(FeedFormat format, InputStream in, String name) {
        try (Stream<ParseOutcome> s = format.newParser(IngestContext.defaults(CLOCK)).parse(in, name)) {
            List<ParseOutcome> all = s.toList();
            return new ParseResults(
                    all.stream().filter(o -> o instanceof ParseOutcome.Accepted<?>).map(o -> (Incident) ((ParseOutcome.Accepted<?>) o).value()).toList(),
                    all.stream().filter(o -> o instanceof ParseOutcome.Rejected).map(o -> (ParseOutcome.Rejected) o).toList());
        }
    }

    static ParseResults parse(FeedFormat format, String text) {
        return parse(format, new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "test");
    }
}
