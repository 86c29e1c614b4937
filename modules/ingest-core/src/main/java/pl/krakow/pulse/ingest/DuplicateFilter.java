package pl.krakow.pulse.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers the most recent {@code capacity} event ids of a session and tells whether an id was
 * already seen. Memory is bounded: when full, the id remembered longest ago is forgotten (an id
 * seen again is refreshed, i.e. least-recently-seen eviction), so a duplicate further apart than
 * {@code capacity} events is not detected here — downstream consumers still see the same event id
 * and treat the record idempotently. Not thread-safe: one instance per session.
 */
public final class DuplicateFilter {

    private final int capacity;
    private final LinkedHashMap<String, Boolean> recent;

    public DuplicateFilter(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
        }
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > DuplicateFilter.this.capacity;
            }
        };
    }

    /**
     * Records {@code eventId} and returns true if it was not among the remembered ids (first
     * sighting), false if it is a duplicate.
     */
    public boolean firstSighting(String eventId) {
        return recent.put(eventId, Boolean.TRUE) == null;
    }

    /**
     * Forgets {@code eventId}, so its next sighting is a first one: for an event that was accepted but never
     * stored (its send was not acknowledged), whose re-delivery must not be refused as a duplicate.
     */
    public void forget(String eventId) {
        recent.remove(eventId);
    }

    /** Whether {@code eventId} is remembered, without recording it. */
    public boolean contains(String eventId) {
        return recent.containsKey(eventId);
    }

    /** How many ids are remembered (at most {@link #capacity()}). */
    public int size() {
        return recent.size();
    }

    public int capacity() {
        return capacity;
    }
}
