# Kraków Pulse image: built with the project's own Maven wrapper, run on a JRE.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests package -pl modules/app -am

FROM eclipse-temurin:17-jre
WORKDIR /opt/pulse
COPY --from=build /src/modules/app/target/pulse-app.jar /opt/pulse/pulse-app.jar
COPY --from=build /src/modules/app/target/lib /opt/pulse/lib
ENV PULSE_JAVA_OPTS="-Xms128m -Xmx512m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $PULSE_JAVA_OPTS -Dorg.apache.avro.SERIALIZABLE_PACKAGES=pl.krakow.pulse.events -cp '/opt/pulse/pulse-app.jar:/opt/pulse/lib/*' pl.krakow.pulse.app.PulseCommand \"$@\"", "pulse"]
CMD ["run"]
