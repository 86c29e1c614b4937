package pl.krakow.pulse.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static pl.krakow.pulse.ingest.TestInstants.FIXED_CLOCK;
import static pl.krakow.pulse.ingest.TestInstants.T0;
import static pl.krakow.pulse.ingest.TestInstants.T0_PLUS_1H;
import static pl.krakow.pulse.ingest.TestInstants.T0_PLUS_2H;
import static pl.krakow.pulse.ingest.TestInstants.T0_PLUS_3H;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReplayerTest {

    private final IngestContext context = IngestContext.defaults(FIXED_CLOCK);
    private final FakeReplayClock clock = new FakeReplayClock();
    private final RecordingSink sink = new RecordingSink(clock::nanoTime);
    private final FileReplayer replayer = new FileReplayer(sink, context, clock);
    private final LineTestFormat format = new LineTestFormat();

    private static ReplayInput input(String name, String... lines) {
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        return new ReplayInput(name, () -> new ByteArrayInputStream(bytes));
    }

    private static String line(Instant t, String station, double value) {
        return t.getEpochSecond() + "," + station + "," + value;
    }

    @Test
    void eventsArePublishedInEventTimeOrderAcrossFiles() {
        ReplayReport report = replayer.replay(format, List.of(
                input("one.txt", line(T0_PLUS_3H, "A", 3), line(T0_PLUS_1H, "A", 1)),
                input("two.txt", line(T0_PLUS_2H, "B", 2), line(T0, "B", 0))), ReplaySpeed.MAX, ProgressListener.NONE);

        assertThat(sink.accepted).extracting(ParseOutcome.Accepted::eventTime)
                .containsExactly(T0, T0_PLUS_1H, T0_PLUS_2H, T0_PLUS_3H);
        assertThat(sink.accepted).extracting(ParseOutcome.Accepted::sourceId)
                .containsExactly("two.txt:2", "one.txt:2", "two.txt:1", "one.txt:1");
        assertThat(report.accepted()).isEqualTo(4);
        assertThat(report.firstEventTime()).isEqualTo(T0);
        assertThat(report.lastEventTime()).isEqualTo(T0_PLUS_3H);
        assertThat(sink.flushes).isEqualTo(1);
    }

    @Test
    void eventsWithTheSameTimeKeepTheirInputOrder() {
        replayer.replay(format, List.of(input("f", line(T0, "B", 1), line(T0, "A", 2))), ReplaySpeed.MAX, null);
        assertThat(sink.accepted).extracting(ParseOutcome.Accepted::key).containsExactly("B", "A");
    }

    @Test
    void malformedRecordDoesNotStopTheReplay() {
        ReplayReport report = replayer.replay(format, List.of(input("f.txt",
                line(T0, "A", 1), "garbage", line(T0_PLUS_1H, "A", -4), line(T0_PLUS_1H, "Z", 4), line(T0_PLUS_2H, "A", 2))),
                ReplaySpeed.MAX, ProgressListener.NONE);

        assertThat(sink.accepted).extracting(ParseOutcome.Accepted::eventTime).containsExactly(T0, T0_PLUS_2H);
        assertThat(sink.rejected).extracting(ParseOutcome.Rejected::reason, ParseOutcome.Rejected::sourceId, ParseOutcome.Rejected::rawText)
                .containsExactly(tuple(ReasonCode.MALFORMED, "f.txt:2", "garbage"),
                        tuple(ReasonCode.OUT_OF_RANGE, "f.txt:3", line(T0_PLUS_1H, "A", -4)),
                        tuple(ReasonCode.UNKNOWN_STATION, "f.txt:4", line(T0_PLUS_1H, "Z", 4)));
        assertThat(report.rejected()).isEqualTo(3);
        assertThat(report.rejectedByReason()).containsEntry(ReasonCode.MALFORMED, 1L)
                .containsEntry(ReasonCode.OUT_OF_RANGE, 1L).containsEntry(ReasonCode.UNKNOWN_STATION, 1L);
        assertThat(report.failedInputs()).isEmpty();
    }

    @Test
    void duplicatesAcrossFilesOfOneReplayAreRejected() {
        ReplayReport report = replayer.replay(format, List.of(
                input("a.txt", line(T0, "A", 1), line(T0_PLUS_1H, "A", 2)),
                input("b.txt", line(T0_PLUS_1H, "A", 2), line(T0_PLUS_2H, "A", 3))), ReplaySpeed.MAX, null);
        assertThat(report.accepted()).isEqualTo(3);
        assertThat(report.rejected(ReasonCode.DUPLICATE)).isEqualTo(1);
        assertThat(sink.rejected.get(0).sourceId()).isEqualTo("b.txt:1");
    }

    @Test
    void unreadableFileIsReportedAndOthersContinue(@TempDir Path dir) throws IOException {
        Path good = Files.writeString(dir.resolve("good.txt"), line(T0, "A", 1) + "\n");
        Path missing = dir.resolve("missing.txt");
        ReplayInput breaksMidway = new ReplayInput("breaks.txt", () -> new InputStream() {
            private final byte[] first = (line(T0_PLUS_1H, "B", 5) + "\n").getBytes(StandardCharsets.UTF_8);
            private int pos;

            @Override
            public int read() throws IOException {
                if (pos < first.length) {
                    return first[pos++];
                }
                throw new IOException("disk on fire");
            }
        });
        List<String> failedNames = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void inputFailed(String in, Exception error) {
                failedNames.add(in);
            }
        };

        ReplayReport report = replayer.replay(format,
                List.of(ReplayInput.of(missing), breaksMidway, ReplayInput.of(good)), ReplaySpeed.MAX, listener);

        assertThat(failedNames).containsExactly("missing.txt", "breaks.txt");
        assertThat(report.failedInputs()).extracting(ReplayReport.FailedInput::name).containsExactly("missing.txt", "breaks.txt");
        assertThat(report.failedInputs().get(1).error()).contains("disk on fire");
        // what was read before the failure is kept; the other file is replayed
        assertThat(sink.accepted).extracting(ParseOutcome.Accepted::sourceId).containsExactly("good.txt:1", "breaks.txt:1");
        assertThat(report.summary()).contains("2 unreadable");
    }

    @Test
    void folderStandsForItsFilesSortedByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.txt"), line(T0_PLUS_1H, "A", 1) + "\n");
        Files.writeString(dir.resolve("a.txt"), line(T0, "A", 1) + "\n");
        Files.writeString(dir.resolve(".hidden"), "garbage\n");
        List<String> started = new ArrayList<>();
        replayer.replayFiles(format, List.of(dir), ReplaySpeed.MAX, new ProgressListener() {
            @Override
            public void started(String f, List<String> inputs, ReplaySpeed speed) {
                started.addAll(inputs);
            }
        });
        assertThat(started).containsExactly("a.txt", "b.txt");
        assertThat(sink.accepted).hasSize(2);
        assertThat(sink.rejected).isEmpty();
    }

    @Test
    void realTimeSpeedWaitsEventTimeGapsDividedByFactor() {
        // 3600x: one hour of data per second
        replayer.replay(format, List.of(input("f", line(T0_PLUS_3H, "A", 3), line(T0, "A", 0), line(T0_PLUS_1H, "A", 1))),
                ReplaySpeed.times(3600), null);

        long first = sink.acceptedAtNanos.get(0);
        assertThat(sink.acceptedAtNanos).extracting(t -> t - first)
                .containsExactly(0L, TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(3));
        assertThat(clock.sleeps).containsExactly(TimeUnit.SECONDS.toNanos(1), TimeUnit.SECONDS.toNanos(2));
    }

    @Test
    void maxSpeedNeverSleeps() {
        replayer.replay(format, List.of(input("f", line(T0, "A", 0), line(T0_PLUS_3H, "A", 3))), ReplaySpeed.MAX, null);
        assertThat(clock.sleeps).isEmpty();
    }

    @Test
    void interruptStopsAPacedReplayAndKeepsTheFlag() {
        clock.interruptOnSleep = 1; // the second wait is interrupted
        try {
            ReplayReport report = replayer.replay(format,
                    List.of(input("f", line(T0, "A", 0), line(T0_PLUS_1H, "A", 1), line(T0_PLUS_2H, "A", 2))),
                    ReplaySpeed.times(3600), null);
            assertThat(report.interrupted()).isTrue();
            assertThat(report.accepted()).isEqualTo(2);
            assertThat(report.lastEventTime()).isEqualTo(T0_PLUS_1H);
            assertThat(sink.flushes).isEqualTo(1);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void listenerSeesStartProgressAndFinish() {
        List<String> calls = new ArrayList<>();
        List<ReplayProgress> progress = new ArrayList<>();
        ReplayReport report = replayer.replay(format, List.of(input("f", line(T0, "A", 0), "bad", line(T0_PLUS_1H, "A", 1))),
                ReplaySpeed.times(1000), new ProgressListener() {
                    @Override
                    public void started(String f, List<String> inputs, ReplaySpeed speed) {
                        calls.add("started " + f + " " + inputs + " " + speed);
                    }

                    @Override
                    public void progress(ReplayProgress p) {
                        progress.add(p);
                    }

                    @Override
                    public void finished(ReplayReport r) {
                        calls.add("finished " + r.accepted() + "/" + r.rejected());
                    }
                });
        assertThat(calls).containsExactly("started test-lines [f] 1000x", "finished 2/1");
        ReplayProgress lastProgress = progress.get(progress.size() - 1);
        assertThat(lastProgress.done()).isEqualTo(3);
        assertThat(lastProgress.total()).isEqualTo(3);
        assertThat(lastProgress.fraction()).isEqualTo(1.0);
        assertThat(lastProgress.eventTime()).isEqualTo(T0_PLUS_1H);
        assertThat(report.duration()).isPositive();
    }

    @Test
    void emptyReplayReportsNothingAccepted() {
        ReplayReport report = replayer.replay(format, List.of(), ReplaySpeed.MAX, null);
        assertThat(report.accepted()).isZero();
        assertThat(report.firstEventTime()).isNull();
        assertThat(report.summary()).startsWith("test-lines: 0 events accepted, 0 rejected, 0 files");
    }
}
