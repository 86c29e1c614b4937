package pl.krakow.pulse.ingest.csv;

/** A record that breaks the quoting rule of {@link Csv}; the message names the field. */
public final class CsvFormatException extends IllegalArgumentException {

    public CsvFormatException(String message) {
        super(message);
    }
}
