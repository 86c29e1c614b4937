package pl.krakow.pulse.ingest.safety;

import java.util.Set;
import java.util.function.Function;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.FeedFormat;
import pl.krakow.pulse.ingest.FeedParser;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The replayable safety formats, registered for {@link java.util.ServiceLoader} ({@code pulse replay --source NAME}).
 * All publish {@code Incident}s to {@code safety.incidents.v1} with the Kraków {@link CityProfile}.
 */
public final class SafetyFormats {

    private SafetyFormats() {
    }

    /** A safety format: a parser over an {@link IncidentFactory} with the format's name and scope rule. */
    public abstract static class Base implements FeedFormat {
        private final String name;
        private final String description;
        private final boolean cityOwnFeed;
        private final String contentType;
        private final Function<IncidentFactory, FeedParser> parser;

        Base(String name, String description, boolean cityOwnFeed, String contentType, Function<IncidentFactory, FeedParser> parser) {
            this.name = name;
            this.description = description;
            this.cityOwnFeed = cityOwnFeed;
            this.contentType = contentType;
            this.parser = parser;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public TopicSpec<?> topic() {
            return Topics.INCIDENTS;
        }

        @Override
        public FeedParser newParser(IngestContext context) {
            return newParser(context, CityProfile.krakow());
        }

        /** A parser placing incidents with another city's profile. */
        public FeedParser newParser(IngestContext context, CityProfile city) {
            return parser.apply(new IncidentFactory(name, cityOwnFeed, city, EventValidator.of(context, Set.of()),
                    context.clock(), contentType));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code sewik-geojson} (see {@link SewikGeoJsonParser}). */
    public static final class Sewik extends Base {
        public Sewik() {
            super(SewikGeoJsonParser.FEED, "Polish police accident records (SEWIK) as GeoJSON points; local time Europe/Warsaw",
                    false, SewikGeoJsonParser.CONTENT_TYPE, SewikGeoJsonParser::new);
        }
    }

    /** {@code cityguard-csv} (see {@link CityGuardCsvParser}). */
    public static final class CityGuard extends Base {
        public CityGuard() {
            super(CityGuardCsvParser.FEED, "City-guard register CSV (registered/closed times, type, street address)",
                    true, CsvIncidentParser.CONTENT_TYPE, CityGuardCsvParser::new);
        }
    }

    /** {@code nyc-collisions-csv} (see {@link NycCollisionsCsvParser}). */
    public static final class NycCollisions extends Base {
        public NycCollisions() {
            super(NycCollisionsCsvParser.FEED, "NYC Open Data motor-vehicle collision CSV; local time America/New_York",
                    false, CsvIncidentParser.CONTENT_TYPE, NycCollisionsCsvParser::new);
        }
    }
}
