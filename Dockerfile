# Kraków Pulse image: built with the project's own Maven wrapper, run on a JRE as a non-root user.
#   docker build -t krakow-pulse .      docker run krakow-pulse ingest|indicators|alerting|publish|run ...
# Only classic-builder instructions (no COPY --chmod, no RUN --mount): Testcontainers builds this file too.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package -pl modules/app -am

FROM eclipse-temurin:17-jre
# uid/gid 10001: outside the range of the base image's own users (ubuntu is 1000), so a volume written by this
# image is never owned by someone else's account; Kubernetes manifests set runAsUser to the same number.
# The compose and Kubernetes probes run /opt/pulse/bin/probe, which needs curl: Temurin's Ubuntu images ship it
# (adoptium/containers#255). Checked here so a base image that drops it fails the build, not every healthcheck.
RUN command -v curl >/dev/null \
 && groupadd --system --gid 10001 pulse \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/pulse --no-create-home --shell /usr/sbin/nologin pulse \
 && mkdir -p /var/lib/pulse \
 && chown 10001:10001 /var/lib/pulse
WORKDIR /opt/pulse
COPY --from=build /src/modules/app/target/pulse-app.jar /opt/pulse/pulse-app.jar
COPY --from=build /src/modules/app/target/lib /opt/pulse/lib
COPY ops/docker/probe /opt/pulse/bin/probe
RUN chmod 0755 /opt/pulse/bin/probe
ENV PULSE_JAVA_OPTS="-Xms128m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError" \
    PULSE_DATA_DIR=/var/lib/pulse \
    PATH="/opt/pulse/bin:${PATH}"
USER 10001:10001
# 8080: API of `pulse publish` / `pulse run`; 8090: /health, /ready, /metrics of ingest, indicators and alerting.
EXPOSE 8080 8090
# exec: java is PID 1 and receives SIGTERM itself (clean stop within 10 s, exit 0).
ENTRYPOINT ["sh", "-c", "exec java $PULSE_JAVA_OPTS -Dorg.apache.avro.SERIALIZABLE_PACKAGES=pl.krakow.pulse.events -cp '/opt/pulse/pulse-app.jar:/opt/pulse/lib/*' pl.krakow.pulse.app.PulseCommand \"$@\"", "pulse"]
CMD ["run"]
