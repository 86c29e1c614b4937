package pl.krakow.pulse.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class HistoryPagingTest {

    private static final Instant FROM = Instant.parse("2017-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2017-02-01T00:00:00Z");
    private static final Instant CURSOR = Instant.parse("2017-01-10T00:00:00Z");

    @Test
    void defaultsAreTheConfiguredPageSizeAscendingFromTheStart() {
        HistoryPaging p = HistoryPaging.parse(null, " ", "", 1000, 10_000);

        assertThat(p).isEqualTo(new HistoryPaging(1000, true, null));
        assertThat(p.from(FROM)).isEqualTo(FROM);
        assertThat(p.to(TO)).isEqualTo(TO);
    }

    @Test
    void ascendingCursorStartsJustAfterItAndDescendingEndsBeforeIt() {
        HistoryPaging asc = HistoryPaging.parse("5", "ASC", "2017-01-10T01:00+01:00", 1000, 10_000);
        assertThat(asc.from(FROM)).isEqualTo(CURSOR.plusMillis(1));
        assertThat(asc.to(TO)).isEqualTo(TO);

        HistoryPaging desc = HistoryPaging.parse("5", "desc", CURSOR.toString(), 1000, 10_000);
        assertThat(desc.from(FROM)).isEqualTo(FROM);
        assertThat(desc.to(TO)).isEqualTo(CURSOR);
        assertThat(desc.order()).isEqualTo("desc");
    }

    @Test
    void aCursorOutsideTheRangeDoesNotWidenIt() {
        HistoryPaging asc = HistoryPaging.parse(null, null, "2016-01-01T00:00:00Z", 10, 10);
        assertThat(asc.from(FROM)).isEqualTo(FROM);
        HistoryPaging desc = HistoryPaging.parse(null, "desc", "2018-01-01T00:00:00Z", 10, 10);
        assertThat(desc.to(TO)).isEqualTo(TO);
    }

    @Test
    void badParametersAreRejectedWithTheirName() {
        assertThatThrownBy(() -> HistoryPaging.parse("0", null, null, 10, 100)).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> HistoryPaging.parse("101", null, null, 10, 100)).hasMessageContaining("1 to 100");
        assertThatThrownBy(() -> HistoryPaging.parse("x", null, null, 10, 100)).hasMessageContaining("'limit'");
        assertThatThrownBy(() -> HistoryPaging.parse(null, "up", null, 10, 100)).hasMessageContaining("'order'");
        assertThatThrownBy(() -> HistoryPaging.parse(null, null, "2017-01-10", 10, 100)).hasMessageContaining("'cursor'");
    }
}
