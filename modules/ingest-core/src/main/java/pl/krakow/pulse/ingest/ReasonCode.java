package pl.krakow.pulse.ingest;

/**
 * Why an ingest feed refused a record. The name is what goes into {@code RejectedRecord.reasonCode}
 * on {@code ingest.rejected.v1} and into the {@code reason} tag of {@code pulse.ingest.rejected}, so
 * renaming a constant is a contract change for DLQ consumers and dashboards.
 */
public enum ReasonCode {

    /** The record does not have the format's structure: wrong number of fields, unreadable timestamp, no header. */
    MALFORMED("the record does not have the structure of its format"),
    /** A value that should be a number is not one (text, NaN, infinity). */
    NOT_A_NUMBER("a value that must be a number is not a finite number"),
    /** A number outside the physically plausible range of its quantity (e.g. negative or PM10 above 2000 µg/m³). */
    OUT_OF_RANGE("a value outside its physically plausible range"),
    /** A value in a unit the feed cannot convert to the schema's unit. */
    WRONG_UNIT("a value in a unit that cannot be converted to the schema's unit"),
    /** Stamped further in the future than {@code ingest.max.future} allows. */
    IN_FUTURE("the event time is further in the future than ingest.max.future"),
    /** Older than the horizon {@code ingest.max.age}. */
    TOO_OLD("the event time is older than the horizon ingest.max.age"),
    /** The station (or sensor, stop) is not in the feed's reference list, or a column names no known station. */
    UNKNOWN_STATION("the station is not known"),
    /** A GTFS-Realtime trip_id that the static GTFS feed it is resolved against does not know. */
    UNKNOWN_TRIP("the trip is not in the static GTFS feed"),
    /** The same event id was already accepted in this replay or poll session. */
    DUPLICATE("the same event was already accepted in this session"),
    /** The input holds no record at all (zero bytes, or only a header). */
    EMPTY_INPUT("the input holds no record"),
    /** The input ends in the middle of a record. */
    TRUNCATED("the input ends in the middle of a record"),
    /** A message or line longer than its channel's size limit (e.g. ingest.push.mqtt.max.message.bytes): not parsed. */
    TOO_LARGE("the message or line is longer than its channel's size limit");

    private final String description;

    ReasonCode(String description) {
        this.description = description;
    }

    /** One line for operators and the README. */
    public String description() {
        return description;
    }
}
