package pl.krakow.pulse.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus configuration, alert rules and Grafana dashboards of the compose stack, checked without running
 * either tool: their shape, and that they fit docker-compose.yml (targets, ports, mounts, datasource). That every
 * metric they name is one the components export is checked against a real scrape in {@link PulseRunApiIT}.
 */
class OpsMonitoringFilesTest {

    @Test
    void metricNamesAreTheSeriesAnExpressionSelectsNotItsFunctionsLabelsOrVariables() {
        assertThat(OpsFiles.metricNames(
                "sum by (feed) (rate(pulse_ingest_records_total{outcome=\"accepted\"}[$__rate_interval]))"))
                .containsExactly("pulse_ingest_records_total");
        assertThat(OpsFiles.metricNames("max by (app_id) (label_replace(lag_max{client_id!~\".*restore-consumer\"}, "
                + "\"app_id\", \"$1\", \"client_id\", \"(.+?)(-StreamThread-.+)?\"))")).containsExactly("lag_max");
        assertThat(OpsFiles.metricNames(
                "histogram_quantile(0.9, sum by (le, indicator) (rate(latency_seconds_bucket[5m])))"))
                .containsExactly("latency_seconds_bucket");
        assertThat(OpsFiles.metricNames("max by (job) (lag) > 1000\nand\nmax by (job) (deriv(lag[15m])) > 0"))
                .containsExactly("lag");
        assertThat(OpsFiles.metricNames("time() - max by (goal) (window_start_seconds)"))
                .containsExactly("window_start_seconds");
        assertThat(OpsFiles.metricNames("increase(records_total[30m]) == 0 and on (job, feed) sum by (job, feed) "
                + "(records_total offset 30m) or up == bool 0"))
                .containsExactly("records_total", "up");
    }

    @Test
    void matchedLabelsAreTheLabelNamesOfEachSelector() {
        assertThat(OpsFiles.matchedLabels("up{job=~\"pulse-.*\"} == 0 and state{a=\"}\", b!=\"x\"}"))
                .isEqualTo(Map.of("up", Set.of("job"), "state", Set.of("a", "b")));
        assertThat(OpsFiles.exposition("""
                # HELP jvm_gc_pause_seconds Time spent in GC pause
                jvm_gc_pause_seconds_count{action="end of minor GC",cause="Allocation Failure",gc="Copy"} 3
                process_uptime_seconds 12.5
                """)).isEqualTo(Map.of("jvm_gc_pause_seconds_count", Set.of("action", "cause", "gc"),
                "process_uptime_seconds", Set.of()));
    }

    @Test
    void everyAlertRuleHasASeverityASummaryAValidDurationAndSelectsAMetric() {
        int rules = 0;
        for (JsonNode group : OpsFiles.yaml(OpsFiles.ALERT_RULES).path("groups")) {
            assertThat(group.path("name").asText()).isNotBlank();
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("alert").asText();
                assertThat(name).as("every rule is an alert").matches("Pulse[A-Za-z]+");
                assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
                assertThat(rule.path("annotations").path("summary").asText()).as(name).isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).as(name).isNotBlank();
                assertThat(OpsFiles.metricNames(rule.path("expr").asText())).as(name + " selects a metric").isNotEmpty();
                if (rule.has("for")) {
                    assertThat(Duration.parse("PT" + rule.path("for").asText().toUpperCase())).as(name).isPositive();
                }
                rules++;
            }
        }
        assertThat(rules).isGreaterThanOrEqualTo(4);
        Set<String> alerts = new HashSet<>();
        OpsFiles.ruleExpressions().forEach(e -> alerts.add(e.getKey().substring(e.getKey().lastIndexOf(' ') + 1)));
        assertThat(alerts).as("what the operators must hear about")
                .contains("PulseComponentDown", "PulseFeedSilent", "PulseConsumerLagGrowing", "PulseStreamsAppNotRunning");
    }

    @Test
    void prometheusScrapesEveryPulseServiceOfTheComposeFileOnThePortItServesMetricsOn() throws Exception {
        JsonNode prometheus = OpsFiles.yaml(OpsFiles.PROMETHEUS_CONFIG);
        for (JsonNode ruleFile : prometheus.path("rule_files")) {
            assertThat(OpsFiles.root().resolve(OpsFiles.PROMETHEUS_CONFIG).resolveSibling(ruleFile.asText()))
                    .as("rule file " + ruleFile.asText() + " next to prometheus.yml").isRegularFile();
        }
        assertThat(prometheus.path("rule_files")).isNotEmpty();
        Map<String, String> jobOfTarget = new java.util.HashMap<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode staticConfig : job.path("static_configs")) {
                staticConfig.path("targets").forEach(t -> jobOfTarget.put(t.asText(), job.path("job_name").asText()));
            }
        }
        JsonNode compose = OpsFiles.yaml(Path.of("docker-compose.yml"));
        List<String> pulseServices = DockerComposeConfigTest.pulseServices(compose);
        assertThat(pulseServices).isNotEmpty();
        for (String service : pulseServices) {
            JsonNode env = compose.path("services").path(service).path("environment");
            boolean publish = DockerComposeConfigTest.command(compose, service).equals("publish");
            String port = publish ? env.path("PULSE_HTTP_PORT").asText() : env.path("PULSE_MANAGEMENT_HTTP_PORT").asText();
            String target = service + ":" + port;
            assertThat(jobOfTarget).as("Prometheus scrapes " + target).containsKey(target);
            // PulseComponentDown watches up{job=~"pulse-.*"}
            assertThat(jobOfTarget.get(target)).startsWith("pulse-");
        }
        assertThat(volumeSources(compose, "prometheus")).containsEntry("./ops/prometheus", "/etc/prometheus");
        assertThat(compose.path("services").path("prometheus").path("command").toString())
                .contains("--config.file=/etc/prometheus/" + OpsFiles.PROMETHEUS_CONFIG.getFileName());
    }

    @Test
    void grafanaDashboardsUseTheProvisionedDatasourceAndEveryPanelQueriesAMetric() {
        JsonNode datasource = OpsFiles.yaml(Path.of("ops/grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources").get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        String uid = datasource.path("uid").asText();
        JsonNode provider = OpsFiles.yaml(Path.of("ops/grafana/provisioning/dashboards/pulse.yml")).path("providers").get(0);
        JsonNode compose = OpsFiles.yaml(Path.of("docker-compose.yml"));
        Map<String, String> grafanaMounts = volumeSources(compose, "grafana");
        assertThat(grafanaMounts).containsEntry("./ops/grafana/provisioning", "/etc/grafana/provisioning")
                .containsEntry("./" + OpsFiles.DASHBOARDS, provider.path("options").path("path").asText());

        List<Path> dashboards = OpsFiles.filesIn(OpsFiles.DASHBOARDS, ".json");
        assertThat(dashboards).isNotEmpty();
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards) {
            JsonNode dashboard = OpsFiles.json(file);
            assertThat(uids.add(dashboard.path("uid").asText())).as(file + " has a uid of its own").isTrue();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : OpsFiles.panels(dashboard)) {
                String title = file + " '" + panel.path("title").asText() + "'";
                assertThat(ids.add(panel.path("id").asInt())).as(title + " id is unique").isTrue();
                assertThat(panel.path("gridPos").path("w").asInt()).as(title).isPositive();
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
                assertThat(panel.path("description").asText()).as(title + " says what it shows").isNotBlank();
                assertThat(panel.path("targets")).as(title).isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo(uid);
                    assertThat(OpsFiles.metricNames(target.path("expr").asText())).as(title + " selects a metric").isNotEmpty();
                }
            }
        }
    }

    @Test
    void dashboardsShowWhatTheOperatorsWatch() {
        Set<String> shown = new LinkedHashSet<>();
        OpsFiles.dashboardExpressions().forEach(e -> shown.addAll(OpsFiles.metricNames(e.getValue())));
        assertThat(shown).as("ingest rates and rejects per feed, lag per application, indicator freshness per goal, "
                + "alerts by state, JVM, Kafka client health").contains(
                "pulse_ingest_records_total", "pulse_ingest_rejected_total",
                "kafka_consumer_fetch_manager_records_lag_max", "kafka_stream_client_state",
                "pulse_indicator_window_start_seconds", "pulse_alerting_alerts_total",
                "jvm_memory_used_bytes", "jvm_gc_pause_seconds_sum", "jvm_threads_live_threads",
                "kafka_producer_record_error_total", "kafka_consumer_connection_count");
    }

    /** Bind mounts of a compose service, host path to container path (read-only suffix dropped). */
    static Map<String, String> volumeSources(JsonNode compose, String service) {
        Map<String, String> mounts = new java.util.HashMap<>();
        for (JsonNode volume : compose.path("services").path(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[0], parts[1]);
        }
        return mounts;
    }
}
