package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.publish.PublishTestData.BUJAKA;
import static pl.krakow.pulse.publish.PublishTestData.KRASINSKIEGO;
import static pl.krakow.pulse.publish.PublishTestData.PM10_DAILY;
import static pl.krakow.pulse.publish.PublishTestData.pm10;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorValue;

class HistoryStoreTest {

    @TempDir
    Path dataDir;

    @Test
    void windowsOfOneSeriesComeBackInTimeOrderAcrossTheEpochAndNoOtherSeriesLeaksIn() {
        try (HistoryStore store = HistoryStore.temporary()) {
            Instant[] starts = {Instant.parse("2017-01-01T00:00:00Z"), Instant.parse("1969-12-31T00:00:00Z"),
                    Instant.parse("1970-01-01T00:00:00Z"), Instant.parse("1900-06-01T00:00:00Z")};
            for (Instant start : starts) {
                store.put(pm10(KRASINSKIEGO, start, 1));
            }
            // A scope that the series' scope is a prefix of, and its neighbour: both outside the series.
            store.put(pm10(KRASINSKIEGO + "|x", starts[0], 2));
            store.put(pm10(BUJAKA, starts[0], 3));

            assertThat(store.range(PM10_DAILY, KRASINSKIEGO, Instant.MIN, Instant.MAX, true, 100))
                    .extracting(IndicatorValue::getWindowStart)
                    .containsExactly(starts[3], starts[1], starts[2], starts[0]);
            assertThat(store.last(PM10_DAILY, KRASINSKIEGO)).map(IndicatorValue::getWindowStart).contains(starts[0]);
            assertThat(store.size()).isEqualTo(6);
        }
    }

    @Test
    void putReplacesDeleteForgetsAndTheCountFollows() {
        try (HistoryStore store = HistoryStore.temporary()) {
            Instant t = Instant.parse("2017-01-01T00:00:00Z");
            assertThat(store.put(pm10(KRASINSKIEGO, t, 1))).isTrue();
            assertThat(store.put(pm10(KRASINSKIEGO, t, 2))).isFalse();
            assertThat(store.range(PM10_DAILY, KRASINSKIEGO, t, t.plusSeconds(1), true, 10))
                    .extracting(IndicatorValue::getValue).containsExactly(2.0);
            assertThat(store.delete(PM10_DAILY, KRASINSKIEGO, t)).isTrue();
            assertThat(store.delete(PM10_DAILY, KRASINSKIEGO, t)).isFalse();
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void deleteWhereSeesWindowStartAndLength() {
        try (HistoryStore store = HistoryStore.temporary()) {
            Instant t = Instant.parse("2017-01-01T00:00:00Z");
            store.put(pm10(KRASINSKIEGO, t, 1));
            store.put(IndicatorValue.newBuilder(pm10(KRASINSKIEGO, t.plusSeconds(3600), 2))
                    .setWindowEnd(t.plusSeconds(7200)).build());

            int deleted = store.deleteWhere(PM10_DAILY, KRASINSKIEGO, Instant.MIN, Instant.MAX,
                    (start, length) -> length.equals(Duration.ofHours(1)) && start.equals(t.plusSeconds(3600)));

            assertThat(deleted).isEqualTo(1);
            assertThat(store.range(PM10_DAILY, KRASINSKIEGO, Instant.MIN, Instant.MAX, true, 10))
                    .extracting(IndicatorValue::getValue).containsExactly(1.0);
        }
    }

    @Test
    void twoStoresOnOneDataDirectoryTakeTheirOwnDirectoryAndAReopenStartsEmpty() {
        Instant t = Instant.parse("2017-01-01T00:00:00Z");
        Path first;
        try (HistoryStore a = HistoryStore.open(dataDir); HistoryStore b = HistoryStore.open(dataDir)) {
            first = a.directory();
            assertThat(b.directory()).isNotEqualTo(a.directory());
            a.put(pm10(KRASINSKIEGO, t, 1));
            assertThat(b.size()).isZero();
        }
        try (HistoryStore again = HistoryStore.open(dataDir)) {
            assertThat(again.directory()).isEqualTo(first);
            assertThat(again.size()).isZero();
            assertThat(again.range(PM10_DAILY, KRASINSKIEGO, Instant.MIN, Instant.MAX, true, 10)).isEmpty();
        }
        Path temporary;
        try (HistoryStore store = HistoryStore.temporary()) {
            temporary = store.directory();
        }
        assertThat(Files.exists(temporary)).as("a temporary store is deleted on close").isFalse();
    }
}
