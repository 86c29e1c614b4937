package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.ingest.TestInstants.FIXED_CLOCK;
import static pl.krakow.pulse.ingest.TestInstants.T0;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleProgressBarTest {

    @Test
    void redrawsInPlaceAndEndsWithASummaryLine() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add(T0.plusSeconds(3600L * i).getEpochSecond() + ",A," + (i % 50));
        }
        lines.add(5, "oops");
        lines.add(9, T0.getEpochSecond() + ",A,-1");
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        FakeReplayClock clock = new FakeReplayClock();

        ReplayReport report = new FileReplayer(new RecordingSink(), IngestContext.defaults(FIXED_CLOCK), clock)
                .replay(new LineTestFormat(), List.of(new ReplayInput("big.txt", () -> new ByteArrayInputStream(bytes)),
                        ReplayInput.of(Path.of("does-not-exist.txt"))), ReplaySpeed.MAX,
                        new ConsoleProgressBar(out, Duration.ZERO, 20));

        String text = buffer.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("Replaying 2 files of test-lines at speed max: big.txt, does-not-exist.txt");
        assertThat(text).contains("\r[").contains("100.0%").contains("3,002/3,002");
        assertThat(text).contains("! cannot read does-not-exist.txt");
        String[] outLines = text.split("\n");
        String summary = outLines[outLines.length - 2];
        assertThat(summary).isEqualTo(report.summary());
        assertThat(summary).contains("3,000 events accepted", "2 rejected (MALFORMED 1, OUT_OF_RANGE 1)", "events/s",
                "2 files (1 unreadable)", " s, ");
        assertThat(outLines[outLines.length - 1]).contains("unreadable: does-not-exist.txt (NoSuchFileException");
    }

    @Test
    void throttlesRedraws() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        ConsoleProgressBar bar = new ConsoleProgressBar(new PrintStream(buffer, true, StandardCharsets.UTF_8),
                Duration.ofMillis(200), 10);
        for (int i = 0; i < 100; i++) {
            bar.progress(new ReplayProgress(ReplayProgress.Phase.PUBLISHING, i, 100, i, 0, Duration.ofMillis(i), null));
        }
        long redraws = buffer.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\r').count();
        assertThat(redraws).isEqualTo(1);
    }
}
