package pl.krakow.pulse.ingest.mobility;

/**
 * A static GTFS feed that cannot be used: a required file or a required column is missing, or a
 * row's field cannot be read. The message names the feed, the file and what is missing.
 */
public final class GtfsFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String file;

    public GtfsFormatException(String file, String message) {
        super(message);
        this.file = file;
    }

    /** The GTFS file at fault, e.g. {@code stops.txt}. */
    public String file() {
        return file;
    }
}
