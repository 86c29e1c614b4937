package pl.krakow.pulse.ingest;

import java.util.concurrent.TimeUnit;

/**
 * The monotonic time source and sleeper that paces a replay; tests hand in a fake one so pacing is
 * checked without waiting.
 */
public interface ReplayClock {

    /** {@link System#nanoTime()} and {@link Thread#sleep}. */
    ReplayClock SYSTEM = new ReplayClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };

    /** A monotonic reading in nanoseconds (only differences are meaningful). */
    long nanoTime();

    /** Waits about {@code nanos}; interruptible. */
    void sleepNanos(long nanos) throws InterruptedException;
}
