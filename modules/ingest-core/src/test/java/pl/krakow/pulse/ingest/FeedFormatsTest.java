package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import pl.krakow.pulse.platform.topics.TopicSpec;
import pl.krakow.pulse.platform.topics.Topics;

class FeedFormatsTest {

    @Test
    void discoversFormatsRegisteredForServiceLoader() {
        FeedFormats formats = FeedFormats.discover();
        assertThat(formats.names()).contains(LineTestFormat.NAME);
        assertThat(formats.get(LineTestFormat.NAME)).isInstanceOf(LineTestFormat.class);
        assertThat(formats.describe()).contains(LineTestFormat.NAME).contains("environment.air-quality.v1");
    }

    @Test
    void unknownNameListsTheAvailableFormats() {
        assertThatThrownBy(() -> FeedFormats.of(new LineTestFormat()).get("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown source format 'nope'")
                .hasMessageContaining(LineTestFormat.NAME);
    }

    @Test
    void explicitRegistrationIsSortedAndRefusesNameClashes() {
        FeedFormat other = new FeedFormat() {
            @Override
            public String name() {
                return "a-first";
            }

            @Override
            public String description() {
                return "another";
            }

            @Override
            public TopicSpec<?> topic() {
                return Topics.NOISE;
            }

            @Override
            public FeedParser newParser(IngestContext context) {
                throw new UnsupportedOperationException();
            }
        };
        FeedFormats formats = FeedFormats.of(new LineTestFormat()).with(other);
        assertThat(formats.names()).containsExactly("a-first", LineTestFormat.NAME);
        assertThat(formats.contains("a-first")).isTrue();
        FeedFormat clash = new FeedFormat() {
            @Override
            public String name() {
                return LineTestFormat.NAME;
            }

            @Override
            public String description() {
                return "";
            }

            @Override
            public TopicSpec<?> topic() {
                return Topics.NOISE;
            }

            @Override
            public FeedParser newParser(IngestContext context) {
                return null;
            }
        };
        assertThatThrownBy(() -> formats.with(clash)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two feed formats");
    }
}
