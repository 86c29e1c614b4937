package pl.krakow.pulse.ingest;

import java.util.ArrayList;
import java.util.List;

/** A replay clock that only moves when the replayer sleeps (or a test advances it). */
final class FakeReplayClock implements ReplayClock {

    long now = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();
    int interruptOnSleep = -1;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
        if (sleeps.size() == interruptOnSleep) {
            throw new InterruptedException("test interrupt");
        }
        sleeps.add(nanos);
        now += nanos;
    }
}
