package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;
import static pl.krakow.pulse.app.Timing.awaitCondition;
import static pl.krakow.pulse.app.Timing.format;
import static pl.krakow.pulse.app.Timing.since;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.alerting.AlertingConfig;
import pl.krakow.pulse.alerting.AlertingTopology;
import pl.krakow.pulse.embedded.EmbeddedKafkaBroker;
import pl.krakow.pulse.embedded.EmbeddedSchemaRegistry;
import pl.krakow.pulse.platform.config.PlatformConfig;
import pl.krakow.pulse.platform.config.PulseConfig;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.registry.HttpSchemaRegistryClient;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.TopicProvisioner;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.publish.PublishConfig;
import pl.krakow.pulse.runtime.replica.ConsumerGroupLag;
import pl.krakow.pulse.testsupport.kafka.TopicReader;

/**
 * Scale-out and failover of the components, each a separate JVM ({@link ComponentProcess}) against the embedded broker
 * and registry of this test JVM, on {@link #PARTITIONS} partitions per topic: {@code pulse ingest} replays the bundled
 * data at a finite speed, {@value #INDICATORS} {@code pulse indicators --goal IV.3} instances and two {@code pulse
 * alerting} instances share the partitions of their applications (standby replicas 1), one of each is killed with SIGKILL while the replay
 * still produces, and the others take over its tasks. What it asserts:
 * <ul>
 *   <li>the takeover: the dead member leaves the group's assignment, its partitions go to the others, and IV.3 commits
 *       offsets beyond the dead instance's last commit on every input partition it owned — measured from the kill and
 *       printed ({@code [failover-test] takeover N.N s}). With static membership a killed member keeps its partitions
 *       until its session times out ({@link #SESSION_TIMEOUT}, the shortest a default broker accepts); the survivor
 *       then runs the tasks from its standbys within a few seconds (its log lines after the kill are printed). Its first
 *       commit on a taken-over partition came 10-30 s later still in the runs so far, while it worked alone through the
 *       backlog of every partition (the kill strikes while every instance is behind the replay); its own partitions
 *       went on being committed throughout, so the wait is in reaching the taken-over partitions' records, not in the
 *       takeover itself (not explained further yet);</li>
 *   <li>no lost and no double-counted event: once the replay is done and IV.3 consumed its input, every window of the
 *       IV.3 table equals the uninterrupted single-process run on 2 partitions ({@link ReferenceTables}) — which also
 *       says the table does not depend on the partition count;</li>
 *   <li>two {@code pulse publish} instances answer the IV.3 goal and a history request alike (JSON equal), and still
 *       do after one of them is restarted on its data directory;</li>
 *   <li>SIGTERM stops a component cleanly: exit 0 within {@link #STOP_BOUND} (the contract), for every component
 *       stopped at the end.</li>
 * </ul>
 * The broker aborts a killed producer's open transaction after its timeout, and until then read-committed readers of
 * the IV.3 table stand still at it; the broker's abort scan runs at Kafka's default interval here (the embedded
 * broker's 60 s is for restarts after its own kill -9, which this test does not do), as on a real cluster.
 */
class ComponentFailoverIT {

    static final int PARTITIONS = 3;
    /**
     * Instances of {@code pulse indicators --goal IV.3}: 2 — each task then has its standby on the other, so the survivor
     * takes over from a warm copy; a third JVM cost ~10 s of CI time for nothing more to see.
     */
    static final int INDICATORS = 2;
    /** The broker's minimum ({@code group.min.session.timeout.ms} 6 s): the floor of a takeover after SIGKILL. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    /** The contract: SIGTERM stops a component with exit 0 within 10 s. */
    static final Duration STOP_BOUND = Duration.ofSeconds(10);
    /** How long a wait gives up: far beyond what is expected, so that a slow step is measured rather than cut off. */
    static final Duration GIVE_UP = Duration.ofSeconds(120);
    static final String ALERTING_APPLICATION = "pulse-" + AlertingTopology.APPLICATION_SUFFIX;
    static final String IV3_GOAL_PATH = "/api/v1/goals/IV.3/indicators";
    static final String HISTORY_PATH = "/api/v1/indicators/iv3.pm10.daily_mean?scope=station:MpKrakAlKras&from=2017-01-01&to=2017-03-31";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The time stamps of the children's log lines (logback-pulse-process.xml), to pick the lines after the kill. */
    private static final java.time.format.DateTimeFormatter LOG_CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(java.time.ZoneId.systemDefault());
    /** A thread per task: the common pool has one thread on 2 cores, which would run "at once" one after the other. */
    private static final java.util.concurrent.Executor OWN_THREAD = task -> new Thread(task, "failover-test-watch").start();
    private static final Comparator<TopicPartition> BY_TOPIC_AND_NUMBER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    /** The children's output and logs, kept after the test (the data directories are not) for a failure's diagnosis. */
    static final Path LOGS = Path.of("target", "component-failover-logs");

    @TempDir
    static Path dir;

    @Test
    void killedIndicatorsAndAlertingInstancesAreTakenOverAndTheIv3TableEqualsAnUninterruptedRun() throws Exception {
        ReferenceTables.iv3(); // before the children start: its run would compete with them for the cores
        long began = System.nanoTime();
        Path logs = LOGS;
        PulseRuntime.deleteRecursively(logs);
        SoftAssertions soft = new SoftAssertions();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka"))
                // Kafka's default (the embedded broker's is 60 s, for restarts after its own kill -9; none here): how
                // soon a killed producer's transaction is aborted once its 10 s timeout has passed.
                .config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "10000")
                .build().start();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder().bootstrapServers(broker.bootstrapServers()).port(0)
                .build().start();
        List<ComponentProcess> all = new ArrayList<>();
        KafkaClients clients = new KafkaClients(broker.bootstrapServers(), PulseConfig.defaults());
        try (Admin admin = Admin.create(clients.admin("it-failover"))) {
            TopicProvisioner.ensure(admin, Topics.all(), 1, PARTITIONS);
            Map<String, String> cluster = clusterSettings(broker, registry);

            List<ComponentProcess> indicators = new ArrayList<>();
            for (int i = 1; i <= INDICATORS; i++) {
                indicators.add(launched(all, List.of("indicators", "--goal", "IV.3"), cluster, logs, "indicators-" + i));
            }
            Map<String, String> alertingSettings = new LinkedHashMap<>(cluster);
            alertingSettings.put(AlertingConfig.ENABLED.name(), "true");
            List<ComponentProcess> alerting = List.of(launched(all, List.of("alerting"), alertingSettings, logs, "alerting-1"),
                    launched(all, List.of("alerting"), alertingSettings, logs, "alerting-2"));
            for (ComponentProcess p : all) {
                p.awaitStarted(GIVE_UP);
            }
            awaitCondition(() -> everyInstanceOwnsPartitions(admin, ReferenceTables.IV3_APPLICATION, indicators)
                    && everyInstanceOwnsPartitions(admin, ALERTING_APPLICATION, alerting), GIVE_UP,
                    () -> "not every instance owns partitions: " + groups(admin));
            print("%d indicators and 2 alerting instances started and each owns partitions %s after launch: %s", INDICATORS,
                    since(began), groups(admin));

            Map<String, String> ingestSettings = new LinkedHashMap<>(cluster);
            ingestSettings.put(RunConfig.REPLAY_ON_START.name(), "true");
            ComponentProcess ingest = launched(all, List.of("ingest"), ingestSettings, logs, "ingest");
            ingest.awaitStarted(GIVE_UP);
            String state = awaitMidReplay(admin, ingest);

            ComponentProcess deadIndicators = indicators.get(0);
            ComponentProcess deadAlerting = alerting.get(0);
            Map<String, Set<TopicPartition>> iv3Before = assignment(admin, ReferenceTables.IV3_APPLICATION);
            Map<String, Set<TopicPartition>> alertingBefore = assignment(admin, ALERTING_APPLICATION);
            Set<TopicPartition> deadInputs = owned(iv3Before, deadIndicators).stream()
                    .filter(tp -> tp.topic().equals(Topics.AIR_QUALITY.name()))
                    .collect(Collectors.toCollection(() -> new TreeSet<>(BY_TOPIC_AND_NUMBER)));
            Set<TopicPartition> deadAlertingPartitions = owned(alertingBefore, deadAlerting);
            assertThat(deadInputs).as("%s owns input partitions of IV.3: %s", deadIndicators.name(), iv3Before).isNotEmpty();

            long killed = System.nanoTime();
            long killedAtMillis = System.currentTimeMillis();
            String killedAtClock = LOG_CLOCK.format(java.time.Instant.ofEpochMilli(killedAtMillis));
            assertThat(deadIndicators.kill()).as("exit status of SIGKILL").isEqualTo(ComponentProcess.SIGKILL_EXIT);
            assertThat(deadAlerting.kill()).as("exit status of SIGKILL").isEqualTo(ComponentProcess.SIGKILL_EXIT);
            Map<TopicPartition, Long> committedAtKill = committed(admin, ReferenceTables.IV3_APPLICATION,
                    ReferenceTables.ends(admin, Topics.AIR_QUALITY.name(), IsolationLevel.READ_UNCOMMITTED).keySet());
            Map<TopicPartition, Long> lastCommitted = new TreeMap<>(BY_TOPIC_AND_NUMBER);
            deadInputs.forEach(tp -> lastCommitted.put(tp, committedAtKill.get(tp)));
            print("SIGKILL %s (IV.3 input partitions %s, committed %s) and %s (partitions %s) at %s, %s after launch, %s",
                    deadIndicators.name(), deadInputs, lastCommitted, deadAlerting.name(), deadAlertingPartitions, killedAtClock,
                    since(began), state);

            // While the survivors wait out the session timeout: the read side, which reads the tables as they grow.
            List<ComponentProcess> publish = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                Map<String, String> publishSettings = new LinkedHashMap<>(cluster);
                publishSettings.put(PublishConfig.HTTP_PORT.name(), Integer.toString(ComponentProcess.freePort()));
                publish.add(launched(all, List.of("publish"), publishSettings, logs, "publish-" + i));
            }

            // Watched at once, from the kill on: the two groups and the transactions the killed instances left open.
            CompletableFuture<Takeover> iv3Watch = watch(() -> awaitTakeover(admin, ReferenceTables.IV3_APPLICATION,
                    deadIndicators, deadInputs, lastCommitted, killed));
            CompletableFuture<Takeover> alertingWatch = watch(() -> awaitTakeover(admin, ALERTING_APPLICATION, deadAlerting,
                    deadAlertingPartitions, Map.of(), killed));
            CompletableFuture<String> transactionsWatch = watch(() -> awaitTransactionsOfTheKillEnded(admin, killedAtMillis, killed));
            CompletableFuture<String> commitsWatch = watch(() -> awaitCommitsOnEveryInput(admin, committedAtKill, killed));
            Takeover iv3 = iv3Watch.join();
            Takeover alerts = alertingWatch.join();
            print("takeover %s: IV.3 — %s left the group's assignment %s after SIGKILL, its partitions %s assigned to others "
                    + "at %s, committed offsets advanced on each at %s; %s", format(iv3.total()), deadIndicators.name(),
                    format(iv3.left()), deadInputs, format(iv3.reassigned()), format(iv3.advanced()), transactionsWatch.join());
            print("IV.3 committed beyond its offsets at the kill, per input partition: %s", commitsWatch.join());
            print("takeover %s: alerting — %s left %s after SIGKILL, %s took its partitions %s (session timeout %s)",
                    format(alerts.total()), deadAlerting.name(), format(alerts.left()), alerting.get(1).name(),
                    deadAlertingPartitions, SESSION_TIMEOUT);
            for (ComponentProcess survivor : List.of(indicators.get(1), alerting.get(1))) {
                print("%s after the kill:\n%s", survivor.name(), survivor.logLines("KafkaStreams .*State transition|Restored and ready|Decided on assignment").lines()
                        .filter(l -> l.compareTo(killedAtClock) >= 0).collect(Collectors.joining("\n")));
            }
            assertThat(owned(assignment(admin, ALERTING_APPLICATION), alerting.get(1)))
                    .as("the surviving alerting instance owns the killed one's partitions").containsAll(deadAlertingPartitions);

            long caughtUp = System.nanoTime();
            awaitCondition(ingest::replayDone, GIVE_UP, () -> "the replay did not finish: " + ingest.lastReady + "\n" + ingest.tail());
            assertThat(ingest.lastReady.check("bundled-replay")).as("the replay sent everything").contains("sendFailures=0");
            ReferenceTables.awaitIv3Consumed(admin, GIVE_UP, "after the failover\n" + groups(admin));
            print("replay done and IV.3 consumed its input, its table final (no transaction open on it), %s after the takeover",
                    since(caughtUp));
            Map<String, String> table;
            try (HttpSchemaRegistryClient registryClient = new HttpSchemaRegistryClient(registry.url())) {
                table = ReferenceTables.projected(TopicReader.latestPerKey(clients, new PulseSerdes(registryClient), Topics.INDICATORS_IV3));
            }
            ReferenceTables.Comparison comparison = ReferenceTables.compareWithIv3(table);
            print("%s", comparison.summary("after SIGKILL of 1 of " + INDICATORS + " IV.3 instances mid-replay (" + PARTITIONS
                    + " partitions)"));
            comparison.assertNoDifference("after the failover");
            assertThat(ingest.metrics()).as("ingest's /metrics").contains("pulse_ingest_records_total");

            publishAnswersAlikeAcrossARestart(publish, soft, logs);

            ComponentProcess.Exit stopped = indicators.get(1).terminate();
            print("SIGTERM %s: exit %d in %s", indicators.get(1).name(), stopped.status(), format(stopped.took()));
            assertThat(stopped.status()).as("exit status of %s after SIGTERM", indicators.get(1).name()).isZero();
            assertThat(stopped.took()).as("%s stop after SIGTERM", indicators.get(1).name()).isLessThanOrEqualTo(STOP_BOUND);
            stopAll(all, soft);
            print("wall time %s (reference table excluded)", since(began));
        } finally {
            for (ComponentProcess p : all) {
                p.close();
            }
            registry.close();
            broker.close();
        }
        soft.assertAll();
    }

    /**
     * Both publish instances answer the IV.3 goal and a history request alike once they have read the final tables;
     * the second is restarted (SIGTERM, then the same data directory and port) and answers as the first as soon as its
     * /ready says 200.
     */
    private static void publishAnswersAlikeAcrossARestart(List<ComponentProcess> publish, SoftAssertions soft, Path logs)
            throws Exception {
        for (ComponentProcess p : publish) {
            p.awaitStarted(GIVE_UP);
            assertThat(p.awaitReady(GIVE_UP)).as("%s /ready 200; last: %s", p.name(), p.lastReady).isNotNull();
        }
        long began = System.nanoTime();
        List<String> paths = List.of(IV3_GOAL_PATH, HISTORY_PATH);
        awaitCondition(() -> paths.stream().allMatch(path -> answersAlike(publish.get(0), publish.get(1), path)), GIVE_UP,
                () -> "the publish instances do not answer alike: " + differences(publish.get(0), publish.get(1), paths));
        print("publish: both instances answer %s alike (%s byte-identical) %s after both were ready", paths,
                byteIdentical(publish.get(0), publish.get(1), paths), since(began));

        ComponentProcess restarted = publish.get(1);
        ComponentProcess.Exit stopped = restarted.terminate();
        soft.assertThat(stopped.status()).as("exit status of %s after SIGTERM", restarted.name()).isZero();
        soft.assertThat(stopped.took()).as("%s stop after SIGTERM", restarted.name()).isLessThanOrEqualTo(STOP_BOUND);
        try (ComponentProcess again = ComponentProcess.launch(List.of("publish"), restarted.dataDir(), restarted.settings(), logs,
                restarted.name() + "-restarted")) {
            again.awaitStarted(GIVE_UP);
            Duration ready = again.awaitReady(GIVE_UP);
            assertThat(ready).as("%s /ready 200 after the restart; last: %s", again.name(), again.lastReady).isNotNull();
            List<String> differing = paths.stream().filter(path -> !answersAlike(publish.get(0), again, path)).toList();
            print("publish: %s stopped by SIGTERM (exit %d in %s), started again on its data directory, /ready 200 %s after "
                    + "launch; answers alike right then: %s (%s byte-identical)", restarted.name(), stopped.status(),
                    format(stopped.took()), format(ready), differing.isEmpty() ? "yes" : "NO, " + differing,
                    byteIdentical(publish.get(0), again, paths));
            assertThat(differing).as("answers of the restarted publish instance that differ from the other's once it is "
                    + "ready: %s", differences(publish.get(0), again, paths)).isEmpty();
            ComponentProcess.Exit exit = again.terminate();
            soft.assertThat(exit.status()).as("exit status of %s after SIGTERM", again.name()).isZero();
        }
    }

    /** The {@code --set}s of every component: the reference run's, on the test's cluster, with the failover's knobs. */
    private static Map<String, String> clusterSettings(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry) {
        Map<String, String> s = ReferenceTables.comparableSettings(CrashRecoveryIT.FAULT_REPLAY_SPEED);
        s.put(PlatformConfig.BOOTSTRAP_SERVERS.name(), broker.bootstrapServers());
        s.put(PlatformConfig.SCHEMA_REGISTRY_URL.name(), registry.url());
        s.put(PlatformConfig.TOPIC_PARTITIONS.name(), Integer.toString(PARTITIONS));
        s.put(PlatformConfig.STREAMS_STANDBY_REPLICAS.name(), "1");
        s.put(PlatformConfig.STREAMS_SESSION_TIMEOUT.name(), SESSION_TIMEOUT.toString());
        return s;
    }

    private static ComponentProcess launched(List<ComponentProcess> all, List<String> command, Map<String, String> settings,
                                             Path logs, String name) throws Exception {
        ComponentProcess p = ComponentProcess.launch(command, dir.resolve(name), settings, logs, name);
        all.add(p);
        return p;
    }

    /**
     * Waits until IV.3 has written output while the replay still produces (or IV.3 is still behind): the moment of the
     * kill. Returns what was going on then, for the report.
     */
    private static String awaitMidReplay(Admin admin, ComponentProcess ingest) throws Exception {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            long output = ReferenceTables.ends(admin, Topics.INDICATORS_IV3.name(),
                    IsolationLevel.READ_UNCOMMITTED).values().stream().mapToLong(Long::longValue).sum();
            if (output > 0) {
                ComponentProcess.Ready ready = ingest.ready();
                String replay = ready == null ? "?" : ready.check("bundled-replay");
                boolean behind = !ConsumerGroupLag.behind(admin, List.of(ReferenceTables.IV3_APPLICATION)).isEmpty();
                assertThat(replay.equals("replaying") || behind)
                        .as("the kill must strike mid-replay, but the replay is %s and IV.3 is caught up", replay).isTrue();
                return "replay " + replay + ", IV.3 " + (behind ? "behind" : "caught up") + ", " + output + " records on "
                        + Topics.INDICATORS_IV3.name();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("IV.3 wrote nothing within " + GIVE_UP + ":\n" + ingest.tail());
    }

    /**
     * Polls the group from the kill on until the dead instance has left its assignment, every partition it owned is
     * assigned to another member, and — where given — the group's committed offset on each of them is beyond
     * {@code lastCommitted} (the new owner processes and commits). Times are since {@code killedAt}.
     */
    private static Takeover awaitTakeover(Admin admin, String group, ComponentProcess dead, Set<TopicPartition> partitions,
                                          Map<TopicPartition, Long> lastCommitted, long killedAt) throws Exception {
        String deadId = dead.instanceId();
        Duration left = null;
        Duration reassigned = null;
        Duration advanced = lastCommitted.isEmpty() ? Duration.ZERO : null;
        Map<String, Set<TopicPartition>> members = Map.of();
        long deadline = killedAt + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            members = assignment(admin, group);
            if (left == null && members.keySet().stream().noneMatch(m -> m.contains(deadId))) {
                left = since(killedAt);
            }
            if (left != null && reassigned == null
                    && members.values().stream().flatMap(Set::stream).collect(Collectors.toSet()).containsAll(partitions)) {
                reassigned = since(killedAt);
            }
            if (advanced == null) {
                Map<TopicPartition, Long> now = committed(admin, group, partitions);
                if (lastCommitted.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), -1L) > e.getValue())) {
                    advanced = since(killedAt);
                }
            }
            if (left != null && reassigned != null && advanced != null) {
                return new Takeover(left, reassigned, advanced);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no takeover in " + group + " within " + GIVE_UP + " of the kill of " + dead.name() + " (left "
                + left + ", reassigned " + reassigned + ", offsets advanced " + advanced + "); members " + members + "\n"
                + ReferenceTables.transactions(admin));
    }

    /**
     * Waits until no transaction that was open at the kill is still open — the killed producers' transactions, which the
     * broker aborts after their timeout (10 s under exactly-once) at its next abort scan — and says when, and which.
     */
    private static String awaitTransactionsOfTheKillEnded(Admin admin, long killedAtMillis, long killedAt) throws Exception {
        Set<String> seen = new TreeSet<>();
        long deadline = killedAt + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> open = new ArrayList<>();
            List<String> ids = admin.listTransactions().all().get().stream()
                    .filter(t -> t.state() != TransactionState.COMPLETE_COMMIT && t.state() != TransactionState.COMPLETE_ABORT
                            && t.state() != TransactionState.EMPTY)
                    .map(TransactionListing::transactionalId).toList();
            if (!ids.isEmpty()) {
                admin.describeTransactions(ids).all().get().forEach((id, d) -> {
                    if (d.transactionStartTimeMs().isPresent() && d.transactionStartTimeMs().getAsLong() < killedAtMillis) {
                        open.add(id);
                    }
                });
            }
            seen.addAll(open);
            if (open.isEmpty()) {
                return seen.isEmpty() ? "no transaction left open by the kill"
                        : "the transactions left open by the kill " + seen + " ended " + format(since(killedAt)) + " after it";
            }
            Thread.sleep(200);
        }
        throw new AssertionError("transactions open since the kill still open " + GIVE_UP + " later: " + seen);
    }

    /**
     * When IV.3 first committed beyond {@code committedAtKill} on each input partition, the survivors' own included: tells
     * a takeover that waits for the dead instance's partitions from a group that makes no progress at all. Next to it,
     * each partition's input at the kill (its end offset) and when new input first reached it after the kill: a commit
     * can only advance where there is input beyond the committed offset, so the figure is an upper bound of the takeover
     * when a partition had no backlog at the kill.
     */
    private static String awaitCommitsOnEveryInput(Admin admin, Map<TopicPartition, Long> committedAtKill, long killedAt)
            throws Exception {
        Map<TopicPartition, String> first = new TreeMap<>(BY_TOPIC_AND_NUMBER);
        Map<TopicPartition, Long> inputAtKill = ReferenceTables.ends(admin, Topics.AIR_QUALITY.name(), IsolationLevel.READ_UNCOMMITTED);
        Map<TopicPartition, String> inputGrew = new TreeMap<>(BY_TOPIC_AND_NUMBER);
        long deadline = killedAt + GIVE_UP.toNanos();
        while (first.size() < committedAtKill.size() && System.nanoTime() < deadline) {
            Map<TopicPartition, Long> now = committed(admin, ReferenceTables.IV3_APPLICATION, committedAtKill.keySet());
            Map<TopicPartition, Long> input = ReferenceTables.ends(admin, Topics.AIR_QUALITY.name(), IsolationLevel.READ_UNCOMMITTED);
            committedAtKill.forEach((tp, atKill) -> {
                if (!first.containsKey(tp) && now.get(tp) > atKill) {
                    first.put(tp, format(since(killedAt)));
                }
                if (!inputGrew.containsKey(tp) && input.getOrDefault(tp, 0L) > inputAtKill.getOrDefault(tp, 0L)) {
                    inputGrew.put(tp, format(since(killedAt)));
                }
            });
            Thread.sleep(100);
        }
        return first + " (committed at the kill " + committedAtKill + ", input end offsets at the kill " + inputAtKill
                + ", new input first reached them at " + inputGrew + ")";
    }

    /** Runs a wait on its own thread, so that several are measured from the same moment at once. */
    private static <T> CompletableFuture<T> watch(java.util.concurrent.Callable<T> wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return wait.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, OWN_THREAD);
    }

    /** Kill to takeover: when the dead member was gone, its partitions had new owners, and they had committed beyond it. */
    record Takeover(Duration left, Duration reassigned, Duration advanced) {
        Duration total() {
            return List.of(left, reassigned, advanced).stream().max(Duration::compareTo).orElseThrow();
        }
    }

    /** Each instance has a member in the group ({@code group.instance.id} contains its instance id) with partitions. */
    private static boolean everyInstanceOwnsPartitions(Admin admin, String group, List<ComponentProcess> instances) {
        Map<String, Set<TopicPartition>> members = assignment(admin, group);
        return instances.stream().allMatch(p -> !owned(members, p).isEmpty());
    }

    /** The partitions the members of this instance own. */
    private static Set<TopicPartition> owned(Map<String, Set<TopicPartition>> members, ComponentProcess instance) {
        String id = instance.instanceId();
        return members.entrySet().stream().filter(e -> e.getKey().contains(id)).flatMap(e -> e.getValue().stream())
                .collect(Collectors.toCollection(() -> new TreeSet<>(BY_TOPIC_AND_NUMBER)));
    }

    /**
     * The group's members by {@code group.instance.id} (the member id for a dynamic member) with the partitions of their
     * active tasks; empty while the group is unknown.
     */
    private static Map<String, Set<TopicPartition>> assignment(Admin admin, String group) {
        try {
            Map<String, Set<TopicPartition>> members = new TreeMap<>();
            for (MemberDescription m : admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
                members.put(m.groupInstanceId().orElse(m.consumerId()), Set.copyOf(m.assignment().topicPartitions()));
            }
            return members;
        } catch (ExecutionException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String groups(Admin admin) {
        return ReferenceTables.IV3_APPLICATION + " " + assignment(admin, ReferenceTables.IV3_APPLICATION) + "; "
                + ALERTING_APPLICATION + " " + assignment(admin, ALERTING_APPLICATION);
    }

    /** The group's committed offsets on these partitions (-1 where none). */
    private static Map<TopicPartition, Long> committed(Admin admin, String group, Set<TopicPartition> partitions)
            throws InterruptedException {
        try {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> out = new HashMap<>();
            partitions.forEach(tp -> out.put(tp, all.get(tp) == null ? -1L : all.get(tp).offset()));
            return out;
        } catch (ExecutionException e) {
            throw new AssertionError("cannot read the committed offsets of " + group, e);
        }
    }

    private static boolean answersAlike(ComponentProcess a, ComponentProcess b, String path) {
        try {
            HttpResponse<String> x = a.get(path);
            HttpResponse<String> y = b.get(path);
            return x != null && y != null && x.statusCode() == 200 && y.statusCode() == 200
                    && JSON.readTree(x.body()).equals(JSON.readTree(y.body())) && !JSON.readTree(x.body()).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String byteIdentical(ComponentProcess a, ComponentProcess b, List<String> paths) throws InterruptedException {
        for (String path : paths) {
            HttpResponse<String> x = a.get(path);
            HttpResponse<String> y = b.get(path);
            if (x == null || y == null || !x.body().equals(y.body())) {
                return "not";
            }
        }
        return "also";
    }

    private static String differences(ComponentProcess a, ComponentProcess b, List<String> paths) {
        StringBuilder out = new StringBuilder();
        for (String path : paths) {
            try {
                HttpResponse<String> x = a.get(path);
                HttpResponse<String> y = b.get(path);
                out.append('\n').append(path).append("\n  ").append(a.name()).append(": ").append(abbreviated(x))
                        .append("\n  ").append(b.name()).append(": ").append(abbreviated(y));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return out.toString();
    }

    private static String abbreviated(HttpResponse<String> r) {
        if (r == null) {
            return "no answer";
        }
        String body = r.body();
        return r.statusCode() + " " + (body.length() > 400 ? body.substring(0, 400) + "… (" + body.length() + " chars)" : body);
    }

    /**
     * SIGTERM to every component still running, all at once, and each must exit 0 within {@link #STOP_BOUND} of its
     * signal (soft: every stop is reported).
     */
    private static void stopAll(List<ComponentProcess> all, SoftAssertions soft) {
        Map<ComponentProcess, CompletableFuture<ComponentProcess.Exit>> stops = new LinkedHashMap<>();
        for (ComponentProcess p : all) {
            if (p.isAlive()) {
                stops.put(p, watch(p::terminate));
            }
        }
        List<String> report = new ArrayList<>();
        stops.forEach((p, stop) -> {
            ComponentProcess.Exit exit = stop.join();
            report.add(String.format(Locale.ROOT, "%s exit %d in %s", p.name(), exit.status(), format(exit.took())));
            soft.assertThat(exit.status()).as("exit status of %s after SIGTERM", p.name()).isZero();
            soft.assertThat(exit.took()).as("%s stop after SIGTERM", p.name()).isLessThanOrEqualTo(STOP_BOUND);
        });
        print("SIGTERM to the rest at once: %s", String.join(", ", report));
    }

    private static void print(String format, Object... args) {
        Timing.print("failover-test", format, args);
    }
}
