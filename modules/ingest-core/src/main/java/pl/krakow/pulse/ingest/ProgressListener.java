package pl.krakow.pulse.ingest;

import java.util.List;

/**
 * Told how a replay goes. Called on the replaying thread; {@link #progress} at most every 1,024
 * records at full speed, after every record when paced — implementations throttle their own output.
 */
public interface ProgressListener {

    /** Does nothing. */
    ProgressListener NONE = new ProgressListener() {
    };

    /** The replay begins. */
    default void started(String format, List<String> inputs, ReplaySpeed speed) {
    }

    default void progress(ReplayProgress progress) {
    }

    /** An input could not be read (the others continue). */
    default void inputFailed(String input, Exception error) {
    }

    /** The replay ended (also after an interruption). */
    default void finished(ReplayReport report) {
    }
}
