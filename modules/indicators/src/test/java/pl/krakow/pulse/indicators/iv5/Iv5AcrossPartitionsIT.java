package pl.krakow.pulse.indicators.iv5;

import pl.krakow.pulse.runtime.streams.TopologyOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pl.krakow.pulse.events.indicators.IndicatorStatus;
import pl.krakow.pulse.events.indicators.IndicatorValue;
import pl.krakow.pulse.events.safety.Incident;
import pl.krakow.pulse.events.safety.IncidentCategory;
import pl.krakow.pulse.runtime.streams.StreamsApplication;
import pl.krakow.pulse.indicators.Iv3EnvironmentTopology;
import pl.krakow.pulse.ingest.IngestContext;
import pl.krakow.pulse.ingest.ParseOutcome;
import pl.krakow.pulse.ingest.safety.SafetyFormats;
import pl.krakow.pulse.ingest.safety.SafetyTestData;
import pl.krakow.pulse.platform.catalog.IndicatorCatalog;
import pl.krakow.pulse.platform.catalog.IndicatorKeys;
import pl.krakow.pulse.platform.kafka.KafkaClients;
import pl.krakow.pulse.platform.metrics.PulseMetrics;
import pl.krakow.pulse.platform.serde.PulseSerdes;
import pl.krakow.pulse.platform.topics.Topics;
import pl.krakow.pulse.testsupport.kafka.EmbeddedPlatform;
import pl.krakow.pulse.testsupport.kafka.IndicatorTable;

/**
 * IV.5 when the input partitions progress at very different speeds, on the real embedded broker with the production
 * {@code indicators-iv5} application (exactly-once): the real SEWIK świętokrzyskie January 2024 road events and the
 * real Wrocław city-guard register (May/June 2018), parsed by ingest-safety, on {@code safety.incidents.v1} with
 * 2 partitions — each incident on the partition the producer's default partitioner gives its key (the incident id),
 * set explicitly. <b>Partition 0's whole share goes first</b> and is processed (it runs years ahead of partition 1
 * in event time: to 2024 while partition 1 has not sent its 2018 reports), then partition 1's share in bursts.
 *
 * <p>Every daily count window ({@code iv5.incidents.count} of the area and of each {@code <area>/<category>}) must end
 * at a plain-Java count over the files; no FINAL value may ever be revised ({@code pulse.indicators.revisions} 0,
 * at most one FINAL record per key of the whole table); and a window is FINAL exactly when the watermark — the
 * minimum over the two partitions of the latest incident time each sent — has passed its end + grace. Before the
 * watermark (issue 13), closing at the area task's stream time finalised windows from partition 0's progress and
 * revised them with partition 1's incidents.
 */
class Iv5AcrossPartitionsIT {

    private static final ZoneId WARSAW = ZoneId.of("Europe/Warsaw");
    private static final int PARTITIONS = 2;
    private static final String COUNT = "iv5.incidents.count";
    private static final String SEWIK_AREA = "region:swietokrzyskie";
    private static final String REGISTER_AREA = "city:wroclaw";
    /**
     * Longer than the test runs: no partition turns idle, so the watermark is exactly the minimum of the partitions'
     * latest incident times and the test can say which windows it has passed (an idle partition would be left out).
     */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
    /** The parsers' clock (ingestedAt, the plausibility check of event times): after both files. */
    private static final Instant PARSED_AT = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path dir;

    private EmbeddedPlatform platform;
    private KafkaClients clients;
    private PulseSerdes serdes;
    private PulseMetrics metrics;
    private StreamsApplication app;

    @BeforeEach
    void startBroker() {
        platform = EmbeddedPlatform.start(dir, "iv5-partitions-it");
        clients = platform.clients();
        serdes = platform.serdes();
        metrics = platform.metrics();
    }

    @AfterEach
    void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void everyDailyCountEqualsTheFilesAndNoFinalIsRevisedWhenOnePartitionRunsYearsAhead() throws Exception {
        long started = System.nanoTime();
        platform.provision(PARTITIONS);
        List<Incident> incidents = new ArrayList<>();
        incidents.addAll(parse(new SafetyFormats.Sewik(), SafetyTestData.SEWIK));
        incidents.addAll(parse(new SafetyFormats.CityGuard(), SafetyTestData.CITY_GUARD));
        incidents.sort(Comparator.comparing(Incident::getEventTime)); // each partition in time order: nothing is late
        Map<Integer, List<Incident>> byPartition = new TreeMap<>();
        incidents.forEach(i -> byPartition.computeIfAbsent(partitionOf(i.getEventId()), p -> new ArrayList<>()).add(i));
        assertThat(byPartition.keySet()).containsExactly(0, 1);
        assertThat(perArea(incidents).keySet()).containsExactly(REGISTER_AREA, SEWIK_AREA);

        Map<String, Integer> expected = expectedDailyCounts(incidents);
        // The watermark once everything is in: the smaller of the two partitions' latest incident times.
        long watermarkMs = byPartition.values().stream()
                .mapToLong(list -> list.get(list.size() - 1).getEventTime().toEpochMilli()).min().orElseThrow();
        long graceMs = IndicatorCatalog.bundled().indicator(COUNT).orElseThrow().graceDuration().toMillis();
        Set<String> passed = new HashSet<>();
        expected.keySet().forEach(k -> {
            LocalDate day = OffsetDateTime.parse(k.substring(k.lastIndexOf('|') + 1)).toLocalDate();
            if (day.plusDays(1).atStartOfDay(WARSAW).toInstant().toEpochMilli() + graceMs <= watermarkMs) {
                passed.add(k);
            }
        });

        var options = TopologyOptions.defaults().withMeters(metrics.registry()).withClock(Clock.systemUTC())
                .withIdleTimeout(IDLE_TIMEOUT).withPunctuationInterval(Duration.ofMillis(200))
                .withEmitInterval(Duration.ofMillis(100));
        app = platform.track(new StreamsApplication(clients, serdes, metrics, dir.resolve("state"), Iv5SafetyTopology.APPLICATION_SUFFIX,
                metrics.registry(), Clock.systemUTC(), b -> Iv5SafetyTopology.build(b, serdes, IndicatorCatalog.bundled(), WARSAW,
                        PopulationTable.krakowDefault(), options)));
        assertThat(app.applicationId()).endsWith("indicators-iv5");
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(app::isRunning);

        Table table = new Table();
        try (table; KafkaProducer<String, Incident> producer = new KafkaProducer<>(clients.producer("iv5-partitions-it-producer"),
                serdes.key().serializer(), serdes.value(Topics.INCIDENTS).serializer())) {
            // Partition 0 first, its whole share, and wait until the table shows all of it: its task has run to the
            // end of January 2024 before partition 1 has sent a single 2018 report.
            byPartition.get(0).forEach(i -> send(producer, i, 0));
            producer.flush();
            Map<String, Integer> firstShare = perArea(byPartition.get(0));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .untilAsserted(() -> assertThat(table.poll().areaTotals()).isEqualTo(firstShare));

            // Then partition 1 in bursts of 1..300 incidents.
            Random random = new Random(20240131L);
            List<Incident> rest = byPartition.get(1);
            for (int from = 0; from < rest.size(); ) {
                int to = Math.min(rest.size(), from + 1 + random.nextInt(300));
                rest.subList(from, to).forEach(i -> send(producer, i, 1));
                producer.flush();
                from = to;
            }

            // Converged: every daily count as in the files, and FINAL where the watermark has passed it.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
                table.poll();
                assertThat(table.latestDailyCounts()).isEqualTo(expected);
                assertThat(table.finalKeys()).containsAll(passed);
            });
            // A revision after the last FINAL is read once the application consumed all its input.
            platform.awaitInputConsumed(Duration.ofSeconds(60));
            table.readToEnd();
        }

        assertThat(table.latestDailyCounts()).as("daily counts against the files").isEqualTo(expected);
        Map<String, Integer> finalsPerKey = table.finalsPerKey();
        assertThat(finalsPerKey.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("keys with more than one FINAL record (a FINAL value revised)").isEmpty();
        assertThat(table.records.stream().filter(v -> v.getStatus() == IndicatorStatus.FINAL).map(IndicatorValue::getRevision))
                .containsOnly(1);
        Map<String, IndicatorValue> latest = table.latest();
        List<String> statusMismatch = new ArrayList<>();
        expected.keySet().forEach(k -> {
            IndicatorStatus want = passed.contains(k) ? IndicatorStatus.FINAL : IndicatorStatus.PROVISIONAL;
            if (latest.get(k).getStatus() != want) {
                statusMismatch.add(k + " is " + latest.get(k).getStatus() + ", want " + want);
            }
        });
        assertThat(statusMismatch).as("FINAL exactly where the watermark has passed end + grace").isEmpty();
        assertThat(metrics.registry().find("pulse.indicators.revisions").counters())
                .isNotEmpty().allSatisfy(c -> assertThat(c.count()).isZero());
        assertThat(metrics.registry().find("pulse.indicators.iv5.duplicates").counters())
                .allSatisfy(c -> assertThat(c.count()).isZero());
        System.out.printf(Locale.ROOT, "IV.5 across %d partitions: %d incidents (partition 0: %d first, partition 1: %d in bursts), "
                        + "%d daily count windows, %d FINAL (watermark %s), %d table records, 0 revisions, %.1f s%n",
                PARTITIONS, incidents.size(), byPartition.get(0).size(), byPartition.get(1).size(), expected.size(),
                passed.size(), Instant.ofEpochMilli(watermarkMs), table.records.size(), (System.nanoTime() - started) / 1e9);
    }

    /** Where the producer's default partitioner puts the key (murmur2 of its bytes), so a re-sent id meets its first copy. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static void send(KafkaProducer<String, Incident> producer, Incident i, int partition) {
        // Record time is the incident's eventTime (the source's extractor), so the producer's stamp is left to it.
        producer.send(new ProducerRecord<>(Topics.INCIDENTS.name(), partition, i.getEventId(), i));
    }

    private static List<Incident> parse(SafetyFormats.Base format, String resource) {
        IngestContext context = IngestContext.defaults(Clock.fixed(PARSED_AT, ZoneOffset.UTC));
        try (Stream<ParseOutcome> s = format.newParser(context).parse(SafetyTestData.open(resource), resource)) {
            return s.filter(o -> o instanceof ParseOutcome.Accepted<?>).map(o -> (Incident) ((ParseOutcome.Accepted<?>) o).value())
                    .toList();
        }
    }

    /** Incidents per area: in both files an incident's scope is the one area it counts in. */
    private static Map<String, Integer> perArea(List<Incident> incidents) {
        Map<String, Integer> out = new TreeMap<>();
        incidents.forEach(i -> out.merge(i.getScope(), 1, Integer::sum));
        return out;
    }

    /**
     * The daily counts in plain Java over the files. SEWIK: one incident per feature on the local day of its
     * {@code dt} (Warsaw time), a road accident when anyone was hurt or the severity is above 0, else a collision.
     * Register: one incident per report number (first row) not closed before it was registered, on the local day of
     * registration; its category is the register type as the parser maps it — the one thing taken from the parsed
     * incidents, as in {@code Iv5RealDataTest}.
     */
    private static Map<String, Integer> expectedDailyCounts(List<Incident> parsed) {
        Map<String, Integer> out = new TreeMap<>();
        Pattern feature = Pattern.compile("\"dt\":\"(\\d{4}-\\d{2}-\\d{2})T.*\"sev\":(\\d).*\"sli\":(\\d+),\"ser\":(\\d+),\"fat\":(\\d+)");
        for (String line : SafetyTestData.lines(SafetyTestData.SEWIK)) {
            Matcher m = feature.matcher(line);
            if (m.find()) {
                int casualties = Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4)) + Integer.parseInt(m.group(5));
                boolean accident = casualties > 0 || Integer.parseInt(m.group(2)) > 0;
                count(out, SEWIK_AREA, LocalDate.parse(m.group(1)),
                        accident ? IncidentCategory.ROAD_ACCIDENT : IncidentCategory.ROAD_COLLISION);
            }
        }
        Map<String, IncidentCategory> categoryOfReport = new HashMap<>();
        parsed.stream().filter(i -> REGISTER_AREA.equals(i.getScope()))
                .forEach(i -> categoryOfReport.put(i.getSourceRecordId(), i.getCategory()));
        Set<String> seen = new HashSet<>();
        List<String> lines = SafetyTestData.lines(SafetyTestData.CITY_GUARD);
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = SafetyTestData.fields(line);
            if (!seen.add(f.get(1))
                    || LocalDateTime.parse(f.get(7).replace(' ', 'T')).isBefore(LocalDateTime.parse(f.get(0).replace(' ', 'T')))) {
                continue;
            }
            count(out, REGISTER_AREA, LocalDate.parse(f.get(0).substring(0, 10)),
                    Objects.requireNonNull(categoryOfReport.get(f.get(1)), f.get(1)));
        }
        return out;
    }

    private static void count(Map<String, Integer> out, String area, LocalDate day, IncidentCategory category) {
        Instant start = day.atStartOfDay(WARSAW).toInstant();
        out.merge(IndicatorKeys.key(COUNT, area, start, WARSAW), 1, Integer::sum);
        out.merge(IndicatorKeys.key(COUNT, area + '/' + category.name().toLowerCase(Locale.ROOT), start, WARSAW), 1, Integer::sum);
    }

    /** Everything written to {@code indicators.iv5.v1} (read committed), in order. */
    private final class Table extends IndicatorTable {

        Table() {
            super(platform, Topics.INDICATORS_IV5);
        }

        @Override
        public Table poll() {
            super.poll();
            return this;
        }

        Map<String, Integer> latestDailyCounts() {
            Map<String, Integer> out = new TreeMap<>();
            latest().forEach((k, v) -> {
                if (k.startsWith(COUNT + "|")) {
                    out.put(k, v.getValue().intValue());
                }
            });
            return out;
        }

        /** Per area (no category), the sum of its latest daily counts. */
        Map<String, Integer> areaTotals() {
            Map<String, Integer> out = new TreeMap<>();
            latestDailyCounts().forEach((k, n) -> {
                String scope = k.substring(k.indexOf('|') + 1, k.lastIndexOf('|'));
                if (scope.indexOf('/') < 0) {
                    out.merge(scope, n, Integer::sum);
                }
            });
            return out;
        }

        Set<String> finalKeys() {
            return finalsPerKey().keySet();
        }
    }
}
