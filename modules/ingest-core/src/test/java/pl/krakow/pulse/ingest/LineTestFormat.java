package pl.krakow.pulse.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import pl.krakow.pulse.events.environment.AirQualityMeasurement;
import pl.krakow.pulse.events.environment.Pollutant;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * A minimal format for testing the machinery: one PM10 value per line, {@code epochSeconds,station,value}.
 * Known stations A and B. Registered for ServiceLoader in the test resources.
 */
public final class LineTestFormat implements FeedFormat {

    static final String NAME = "test-lines";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "test format: epochSeconds,station,pm10";
    }

    @Override
    public TopicSpec<?> topic() {
        return Topics.AIR_QUALITY;
    }

    @Override
    public FeedParser newParser(IngestContext context) {
        EventValidator validator = EventValidator.of(context, Set.of("A", "B"));
        return (in, sourceName) -> parse(in, sourceName, validator, context);
    }

    private static Stream<ParseOutcome> parse(InputStream in, String sourceName, EventValidator validator, IngestContext ctx) {
        TextLines lines = new TextLines(in);
        Spliterator<ParseOutcome> records = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super ParseOutcome> action) {
                try {
                    TextLines.Line line = lines.next();
                    if (line == null) {
                        return false;
                    }
                    action.accept(outcome(line, sourceName, validator, ctx));
                    return true;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        return StreamSupport.stream(records, false).onClose(() -> {
            try {
                lines.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static ParseOutcome outcome(TextLines.Line line, String sourceName, EventValidator validator, IngestContext ctx) {
        String where = sourceName + ":" + line.number();
        String[] f = line.text().split(",", -1);
        Instant time;
        double value;
        try {
            time = Instant.ofEpochSecond(Long.parseLong(f[0]));
            value = Double.parseDouble(f[2]);
        } catch (RuntimeException e) {
            return reject(ReasonCode.MALFORMED, "not epoch,station,value", line, where, ctx);
        }
        String id = NAME + ":" + f[1] + ":" + f[0];
        Optional<Violation> v = validator.checkMeasurement(id, time, f[1], Pollutant.PM10, value);
        if (v.isPresent()) {
            return reject(v.get().reason(), v.get().message(), line, where, ctx);
        }
        AirQualityMeasurement m = new AirQualityMeasurement(id, time, NAME, where, f[1], Pollutant.PM10, value,
                3600, false, ctx.clock().instant());
        return new ParseOutcome.Accepted<>(NAME, Topics.AIR_QUALITY, f[1], m, time, id, where);
    }

    private static ParseOutcome.Rejected reject(ReasonCode reason, String message, TextLines.Line line, String where,
                                                IngestContext ctx) {
        return new ParseOutcome.Rejected(NAME, reason, message, line.bytes(), where, "text/plain", Topics.AIR_QUALITY,
                ctx.clock().instant());
    }
}
