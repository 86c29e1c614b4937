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
 * All publish {@code Incident}s to {@code safety.incidents.v1}; each format says where its files come from
 * ({@link FeedOrigin}), so the scope of every record names its city or region and another city's file never
 * counts as Kraków's: {@code sewik-geojson} regional (a Kraków district or {@code region:<voivodeship>}),
 * {@code cityguard-csv} Wrocław ({@code city:wroclaw}), {@code nyc-collisions-csv} New York
 * ({@code city:new-york}).
 */
public final class SafetyFormats {

    /** City id of the Wrocław city-guard register layout ({@code cityguard-csv}). */
    public static final String WROCLAW = "wroclaw";
    /** City id of NYC's collision export ({@code nyc-collisions-csv}). */
    public static final String NEW_YORK = "new-york";

    private SafetyFormats() {
    }

    /** A safety format: a parser over an {@link IncidentFactory} with the format's name and where its files come from. */
    public abstract static class Base implements FeedFormat {
        private final String name;
        private final String description;
        private final FeedOrigin origin;
        private final String contentType;
        private final Function<IncidentFactory, FeedParser> parser;

        Base(String name, String description, FeedOrigin origin, String contentType, Function<IncidentFactory, FeedParser> parser) {
            this.name = name;
            this.description = description;
            this.origin = origin;
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

        /** Where this format's files come from unless a parser is asked for another origin. */
        public FeedOrigin origin() {
            return origin;
        }

        @Override
        public FeedParser newParser(IngestContext context) {
            return newParser(context, origin);
        }

        /**
         * A parser for files of this layout from another place, e.g. a register in the Wrocław layout kept by
         * another city: {@code newParser(context, FeedOrigin.city("gdansk"))}.
         */
        public FeedParser newParser(IngestContext context, FeedOrigin fileOrigin) {
            return parser.apply(new IncidentFactory(name, fileOrigin, CityProfile.krakow(), EventValidator.of(context, Set.of()),
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
            super(SewikGeoJsonParser.FEED, "Polish police accident records (SEWIK) as GeoJSON points; local time Europe/Warsaw;"
                    + " a Kraków district or region:<voivodeship>", FeedOrigin.regional(), SewikGeoJsonParser.CONTENT_TYPE,
                    SewikGeoJsonParser::new);
        }
    }

    /** {@code cityguard-csv} (see {@link CityGuardCsvParser}). */
    public static final class CityGuard extends Base {
        public CityGuard() {
            super(CityGuardCsvParser.FEED, "Straż Miejska Wrocławia register CSV (registered/closed times, type, street"
                    + " address); WROCŁAW data, scope city:wroclaw — not Kraków", FeedOrigin.city(WROCLAW),
                    CsvIncidentParser.CONTENT_TYPE, CityGuardCsvParser::new);
        }
    }

    /** {@code nyc-collisions-csv} (see {@link NycCollisionsCsvParser}). */
    public static final class NycCollisions extends Base {
        public NycCollisions() {
            super(NycCollisionsCsvParser.FEED, "NYC Open Data motor-vehicle collision CSV; local time America/New_York;"
                    + " NEW YORK data, scope city:new-york — not Kraków", FeedOrigin.city(NEW_YORK),
                    CsvIncidentParser.CONTENT_TYPE, NycCollisionsCsvParser::new);
        }
    }
}
