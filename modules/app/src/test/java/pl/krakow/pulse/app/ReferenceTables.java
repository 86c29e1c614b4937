package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import pl.krakow.pulse.alerting.AlertingConfig;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.ingest.IngestConfig;
import pl.krakow.pulse.ingest.environment.EnvironmentIngestConfig;
import pl.krakow.pulse.ingest.safety.SafetyConfig;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.runtime.RuntimeConfig;
import pl.krakow.pulse.runtime.replica.ConsumerGroupLag;
import pl.krakow.pulse.testsupport.kafka.TopicReader;

/**
 * The IV.3 table of an uninterrupted run on the bundled data — what every fault test compares its table with, value
 * for value — and how a fault test knows its own table is final before it reads it.
 *
 * <p>The reference is an in-process {@code pulse run} on the embedded platform with {@link #REFERENCE_PARTITIONS}
 * partitions per topic, the bundled replay at full speed, and the settings every compared run shares
 * ({@link #comparableSettings}). It is computed once per JVM (failsafe runs a module's ITs in one JVM, so every IT
 * of this module pays for it once, ~25 s) and its data directory is deleted afterwards. The table does not depend on
 * the partition count: a run on another count (the failover test uses 3) must equal it too, and is compared with it.
 */
final class ReferenceTables {

    /** The partitions of the reference run's topics: the default, pinned here because the comparison relies on it. */
    static final int REFERENCE_PARTITIONS = Topics.DEFAULT_PARTITIONS;
    /** How long the IV.3 table must stay unchanged to count as final: many emit and commit intervals (50 ms each). */
    static final Duration TABLE_SETTLE = Duration.ofSeconds(1);
    /** How long the reference run may take to replay and consume the file (24 s on 2 quiet cores). */
    private static final Duration REFERENCE_GIVE_UP = Duration.ofSeconds(180);
    static final String IV3_APPLICATION = "pulse-" + Iv3EnvironmentTopology.APPLICATION_SUFFIX;

    private static Map<String, String> iv3;

    private ReferenceTables() {
    }

    /**
     * The projected ({@link #projected}) IV.3 table of the uninterrupted run, computed on the first call in this
     * JVM.
     */
    static synchronized Map<String, String> iv3() throws Exception {
        if (iv3 == null) {
            iv3 = computeIv3();
        }
        return iv3;
    }

    private static Map<String, String> computeIv3() throws Exception {
        long began = System.nanoTime();
        Path dir = Files.createTempDirectory("pulse-reference");
        Map<String, String> table;
        try {
            Map<String, String> settings = comparableSettings("max");
            settings.put(PlatformConfig.DATA_DIR.name(), dir.toString());
            settings.put(PlatformConfig.TOPIC_PARTITIONS.name(), Integer.toString(REFERENCE_PARTITIONS));
            try (PulseRuntime runtime = PulseRuntime.start(ConfigCatalog.load(null, Map.of(), settings), false)) {
                assertThat(runtime.awaitReplay(REFERENCE_GIVE_UP)).as("the reference replay finished").isNotNull();
                try (Admin admin = Admin.create(runtime.clients().admin("it-reference-lag"))) {
                    awaitIv3Consumed(admin, REFERENCE_GIVE_UP, "reference");
                }
                table = projected(TopicReader.latestPerKey(runtime.clients(), runtime.serdes(), Topics.INDICATORS_IV3));
            }
        } finally {
            deleteQuietly(dir);
        }
        Timing.print("reference", "uninterrupted run (in-process, %d partitions, replay at max speed): %d IV.3 values in %s",
                REFERENCE_PARTITIONS, table.size(), Timing.since(began));
        assertThat(table).as("the reference run computed IV.3 values").hasSizeGreaterThan(1000);
        return table;
    }

    /**
     * The {@code --set}s of every run compared with the reference: ports chosen free, loopback only, and off what does
     * not feed IV.3 and costs CI time (the incident simulator, MQTT, alerting); the idle release out of reach
     * ({@code indicators.idle.timeout} 1 h): it finalises windows by wall clock, which would make a table depend on
     * how long its run took. A mutable copy: callers add their own.
     */
    static Map<String, String> comparableSettings(String replaySpeed) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(RunConfig.EMBEDDED_KAFKA_PORT.name(), "0");
        s.put(RunConfig.EMBEDDED_REGISTRY_PORT.name(), "0");
        s.put(RunConfig.EMBEDDED_MQTT_PORT.name(), "0");
        s.put(PublishConfig.HTTP_HOST.name(), "127.0.0.1");
        s.put(PublishConfig.HTTP_PORT.name(), "0");
        s.put(SafetyConfig.SIMULATOR_ENABLED.name(), "false");
        s.put(EnvironmentIngestConfig.PUSH_MQTT_ENABLED.name(), "false");
        s.put(AlertingConfig.ENABLED.name(), "false");
        s.put(RuntimeConfig.IDLE_TIMEOUT.name(), "PT1H");
        s.put(IngestConfig.REPLAY_SPEED.name(), replaySpeed);
        return s;
    }

    /**
     * The table as compared: per key, everything the computation decides — window, value, counts, coverage,
     * validity, status, revision — and not the wall-clock stamps ({@code computedAt}, {@code lastEventIngestedAt}).
     */
    static Map<String, String> projected(Map<String, IndicatorValue> table) {
        Map<String, String> out = new TreeMap<>();
        table.forEach((key, v) -> out.put(key, String.join(" ", "[" + v.getWindowStart() + ", " + v.getWindowEnd() + ")",
                "value=" + v.getValue(), "observed=" + v.getObservedCount(), "expected=" + v.getExpectedCount(),
                "coverage=" + v.getCoverage(), "valid=" + v.getValid(), v.getStatus() + "#" + v.getRevision())));
        return out;
    }

    /**
     * {@code actual} against the reference, key for key: the differing keys, and the input counts lost and counted
     * twice (observed counts of the station values, against the reference).
     */
    static Comparison compareWithIv3(Map<String, String> actual) throws Exception {
        Map<String, String> reference = iv3();
        List<String> differences = new ArrayList<>();
        long lost = 0;
        long duplicated = 0;
        TreeSet<String> keys = new TreeSet<>(reference.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            String want = reference.get(key);
            String got = actual.get(key);
            if (!Objects.equals(want, got)) {
                differences.add(key + "\n    uninterrupted: " + want + "\n    compared: " + got);
            }
            if (key.contains("|station:")) {
                long delta = observed(got) - observed(want);
                lost += Math.max(0, -delta);
                duplicated += Math.max(0, delta);
            }
        }
        return new Comparison(reference.size(), actual.size(), differences, lost, duplicated);
    }

    private static long observed(String projected) {
        if (projected == null) {
            return 0;
        }
        int at = projected.indexOf("observed=") + "observed=".length();
        return Long.parseLong(projected.substring(at, projected.indexOf(' ', at)));
    }

    /**
     * IV.3 has committed offsets at the end of every partition it reads ({@link ConsumerGroupLag}), and its table is
     * final: no transaction is open on it — a killed instance's transaction stays open until the broker aborts it after
     * its timeout, and until then the read-committed end stands still before it while records behind it may still be
     * dropped — and the read-committed end has not moved for {@link #TABLE_SETTLE}: a window's coalesced PROVISIONAL
     * value is emitted by a punctuation after the input that changed it was committed ({@code indicators.emit.interval}),
     * so a consumed input alone does not mean the table is final. On timeout the failure names the open transactions and
     * the producers holding them on {@code __consumer_offsets} and the IV.3 table (a hanging transaction, issue 15).
     */
    static void awaitIv3Consumed(Admin admin, Duration timeout, String when) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String topic = Topics.INDICATORS_IV3.name();
        String last = "IV.3 has not consumed its input";
        while (System.nanoTime() < deadline) {
            if (iv3Consumed(admin)) {
                Map<TopicPartition, Long> tableEnds = ends(admin, topic, IsolationLevel.READ_COMMITTED);
                Thread.sleep(TABLE_SETTLE.toMillis());
                Map<TopicPartition, Long> settled = ends(admin, topic, IsolationLevel.READ_COMMITTED);
                Map<TopicPartition, Long> written = ends(admin, topic, IsolationLevel.READ_UNCOMMITTED);
                if (iv3Consumed(admin) && tableEnds.equals(settled) && settled.equals(written)) {
                    return;
                }
                last = "input consumed; table read-committed ends " + tableEnds + " then " + settled + ", written " + written;
                continue;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("IV.3 table not final " + timeout + " " + when + ": " + last + "\n" + transactions(admin));
    }

    private static boolean iv3Consumed(Admin admin) throws InterruptedException {
        return airQualityConsumed(admin) && ConsumerGroupLag.behind(admin, List.of(IV3_APPLICATION)).isEmpty();
    }

    /**
     * The end offset of every partition of {@code topic}: read committed, its last stable offset (before the first
     * open transaction); read uncommitted, its high watermark.
     */
    static Map<TopicPartition, Long> ends(Admin admin, String topic, IsolationLevel isolation) throws InterruptedException {
        try {
            Map<TopicPartition, OffsetSpec> request = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                    .partitions().stream().collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(request, new ListOffsetsOptions(isolation)).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the end offsets of " + topic, e);
        }
    }

    /**
     * IV.3 has committed, on every partition of its source topic, an offset at the (read-committed) end, and the
     * topic is not empty. {@link ConsumerGroupLag} alone also says "not behind" for a group that has joined but
     * neither committed nor been assigned anything yet.
     */
    private static boolean airQualityConsumed(Admin admin) throws InterruptedException {
        try {
            Map<TopicPartition, Long> ends = ends(admin, Topics.AIR_QUALITY.name(), IsolationLevel.READ_COMMITTED);
            var committed = admin.listConsumerGroupOffsets(IV3_APPLICATION).partitionsToOffsetAndMetadata().get();
            long total = 0;
            for (var end : ends.entrySet()) {
                var c = committed.get(end.getKey());
                if (c == null || c.offset() < end.getValue()) {
                    return false;
                }
                total += end.getValue();
            }
            return total > 0;
        } catch (ExecutionException | IllegalStateException e) {
            return false; // topic or group not there yet
        }
    }

    /** Open transactions and the producers with a transaction open on the offsets and IV.3 topics: what hangs. */
    static String transactions(Admin admin) {
        StringBuilder out = new StringBuilder("open transactions:\n");
        try {
            for (TransactionListing t : admin.listTransactions().all().get()) {
                out.append("  ").append(t).append('\n');
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (var d : admin.describeTopics(List.of("__consumer_offsets", Topics.INDICATORS_IV3.name())).allTopicNames().get()
                    .values()) {
                d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
            }
            admin.describeProducers(partitions).all().get().forEach((partition, producers) -> {
                for (ProducerState p : producers.activeProducers()) {
                    if (p.currentTransactionStartOffset().isPresent()) {
                        out.append("  describeProducers ").append(partition).append(": ").append(p).append('\n');
                    }
                }
            });
        } catch (ExecutionException e) {
            out.append("  (could not ask: ").append(e.getCause()).append(")\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.toString();
    }

    /** A table compared with the reference. */
    record Comparison(int referenceValues, int values, List<String> differences, long lost, long duplicated) {

        /** One line for the test's report. */
        String summary(String when) {
            return String.format(Locale.ROOT, "%s: %d IV.3 values (reference %d), %d differ from the uninterrupted run; "
                    + "station inputs lost %d, counted twice %d", when, values, referenceValues, differences.size(), lost, duplicated);
        }

        /** Fails listing the first differences unless the table equals the reference value for value. */
        void assertNoDifference(String when) {
            assertThat(differences.subList(0, Math.min(20, differences.size())))
                    .as("IV.3 values %s that differ from the uninterrupted run (%d of %d; first 20 shown)", when,
                            differences.size(), referenceValues).isEmpty();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            PulseRuntime.deleteRecursively(dir);
        } catch (UncheckedIOException e) {
            // a temporary directory: left for the OS
        }
    }
}
