package pl.krakow.pulse.ingest.safety;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import pl.krakow.pulse.events.common.GeoPoint;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.ingest.EventValidator;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.ReasonCode;
import pl.krakow.pulse.ingest.Violation;
import pl.krakow.pulse.platform.topics.Topics;

/**
 * The checks and the record every safety feed shares: a candidate incident (already decoded from its
 * format) becomes an {@link ParseOutcome.Accepted} {@link Incident} on {@code safety.incidents.v1}
 * (key = event id {@code <feed>:<source record id>}) or a {@link ParseOutcome.Rejected}. Its scope — where it
 * counts, naming the city or region — follows from the feed's {@link FeedOrigin} and the record's point.
 *
 * <p>Checks, first violation wins: counts not negative and severity 0–3 ({@link ReasonCode#OUT_OF_RANGE});
 * coordinates finite and on the globe ({@link ReasonCode#OUT_OF_RANGE}); arrival / closing not before the
 * report ({@link ReasonCode#OUT_OF_RANGE}: a handling time below zero would corrupt the percentiles);
 * event time sane ({@link ReasonCode#IN_FUTURE}, {@link ReasonCode#TOO_OLD}); then duplicates within the
 * session ({@link ReasonCode#DUPLICATE}). One instance per session; not thread-safe unless the caller
 * serialises calls (the push parser does).
 */
final class IncidentFactory {

    /**
     * A decoded record before validation; times UTC, {@code location} null when unknown, {@code region} the
     * voivodeship id the record names (SEWIK's {@code WOJ}), null when it names none.
     */
    record Candidate(String sourceRecordId, IncidentCategory category, String sourceType, Integer severity,
                     int injured, int killed, GeoPoint location, String address, Instant eventTime,
                     Instant reportedAt, Instant arrivedAt, Instant closedAt, String region) {
    }

    private final String feed;
    private final FeedOrigin origin;
    private final CityProfile city;
    private final EventValidator validator;
    private final Clock clock;
    private final String contentType;

    IncidentFactory(String feed, FeedOrigin origin, CityProfile city, EventValidator validator, Clock clock,
                    String contentType) {
        this.feed = Objects.requireNonNull(feed, "feed");
        this.origin = Objects.requireNonNull(origin, "origin");
        this.city = Objects.requireNonNull(city, "city");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.contentType = contentType;
    }

    String feed() {
        return feed;
    }

    /** An event built here was not stored (its push was answered 503): its re-delivery is not a duplicate. */
    void notStored(String eventId) {
        validator.forgetDuplicate(eventId);
    }

    ParseOutcome build(Candidate c, byte[] raw, String sourceId) {
        Optional<Violation> v = check(c);
        if (v.isEmpty()) {
            v = validator.checkTime(c.eventTime());
        }
        String eventId = feed + ':' + c.sourceRecordId();
        if (v.isEmpty()) {
            v = validator.checkDuplicate(eventId);
        }
        if (v.isPresent()) {
            return reject(v.get().reason(), v.get().message(), raw, sourceId);
        }
        Incident incident = Incident.newBuilder()
                .setEventId(eventId)
                .setEventTime(c.eventTime())
                .setFeed(feed)
                .setSourceId(sourceId)
                .setSourceRecordId(c.sourceRecordId())
                .setCategory(c.category())
                .setSourceType(c.sourceType())
                .setSeverity(c.severity())
                .setInjured(c.injured())
                .setKilled(c.killed())
                .setLocation(c.location())
                .setAddress(c.address())
                .setScope(origin.scopeOf(city, c.location(), c.region()))
                .setReportedAt(c.reportedAt())
                .setArrivedAt(c.arrivedAt())
                .setClosedAt(c.closedAt())
                .setIngestedAt(clock.instant())
                .build();
        return new ParseOutcome.Accepted<>(feed, Topics.INCIDENTS, eventId, incident, c.eventTime(), eventId, sourceId);
    }

    ParseOutcome.Rejected reject(ReasonCode reason, String message, byte[] raw, String sourceId) {
        return new ParseOutcome.Rejected(feed, reason, message, raw, sourceId, contentType, Topics.INCIDENTS, clock.instant());
    }

    private static Optional<Violation> check(Candidate c) {
        if (c.injured() < 0 || c.killed() < 0) {
            return out("injured/killed must not be negative: " + c.injured() + "/" + c.killed());
        }
        if (c.severity() != null && (c.severity() < 0 || c.severity() > 3)) {
            return out("severity must be 0..3: " + c.severity());
        }
        GeoPoint p = c.location();
        if (p != null && !(Math.abs(p.getLatitude()) <= 90 && Math.abs(p.getLongitude()) <= 180)) {
            return out("coordinates off the globe: " + p.getLatitude() + ", " + p.getLongitude());
        }
        if (c.arrivedAt() != null && c.arrivedAt().isBefore(c.reportedAt())) {
            return out("arrival " + c.arrivedAt() + " is before the report " + c.reportedAt());
        }
        if (c.closedAt() != null && c.closedAt().isBefore(c.reportedAt())) {
            return out("closing " + c.closedAt() + " is before the registration " + c.reportedAt());
        }
        return Optional.empty();
    }

    private static Optional<Violation> out(String message) {
        return Optional.of(new Violation(ReasonCode.OUT_OF_RANGE, message));
    }
}
