# last-mile image: one jar, every role; the configuration file and environment decide what a container runs.
#   docker build -t last-mile .
#   docker run --rm -p 8080:8080 -p 127.0.0.1:8081:8081 -e LASTMILE_INGEST_HOST=0.0.0.0 \
#     -e LASTMILE_INGEST_ALLOW_UNAUTHENTICATED=true last-mile
# A cluster of containers: docker-compose.yml and docs/operations.md.

# ---- build stage: Maven + JDK 17 ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# Dependencies first, in their own layer: it is rebuilt only when the POMs change, not on every source edit.
# go-offline fetches the dependencies and the plugins the POM names; whatever it misses (a plugin's own runtime
# dependencies) the package step below still downloads, so it runs online.
COPY pom.xml gateway.xml ./
COPY client/pom.xml ./client/
RUN mvn -B -q dependency:go-offline -pl client
COPY client/src ./client/src
COPY src ./src
RUN mvn -B -q package -DskipTests

# ---- runtime stage: JRE only ----
FROM eclipse-temurin:17-jre
# A system user without a shell or home of its own: the gateway needs no privilege (its ports are above 1024)
# and writes nothing but its log to stderr.
RUN groupadd --system --gid 10001 lastmile \
 && useradd --system --uid 10001 --gid lastmile --no-create-home --home-dir /app --shell /usr/sbin/nologin lastmile
WORKDIR /app
COPY --from=build /build/target/last-mile.jar ./last-mile.jar
COPY conf/ ./conf/
USER lastmile

# Read by the java launcher only (not by the healthcheck's bash):
# - MaxRAMPercentage: the JVM sizes its heap from the container's memory limit (default would be a quarter);
# - preferIPv4Stack: cluster.host and the member names resolve to IPv4, as Hazelcast binds and announces;
# - the --add-* options are the ones Hazelcast asks for at startup for access to JDK internals (performance).
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -Djava.net.preferIPv4Stack=true --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"

# 8080 edge (public), 8081 ingest (private), 8082 ops (private: /health, /ready, /metrics), 5701 Hazelcast.
# The event-bus port is picked at random unless cluster.event_bus_port / LASTMILE_CLUSTER_EVENT_BUS_PORT fixes it.
EXPOSE 8080 8081 8082 5701

# GET /ready on the ops listener (8082), else on the ingest listener (8081: the shipped default config has no ops
# listener); the first port that accepts a connection decides, 200 is healthy. HEALTHCHECK_PORTS changes the list.
# Bash's /dev/tcp rather than curl: the JRE image has no curl, and installing it (apt layer, its libraries, one
# more thing to patch) for a one-line GET is not worth it; java would start a JVM every 10 s.
# A plain HTTP/1.0 request; read -t bounds a server that accepts but does not answer.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "for p in ${HEALTHCHECK_PORTS:-8082 8081}; do if exec 3<>/dev/tcp/127.0.0.1/$p; then printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3; read -r -t 4 _ code _ <&3; echo \"127.0.0.1:$p/ready: ${code:-no answer}\"; [ \"$code\" = 200 ]; exit; fi; done 2>/dev/null; echo \"nothing listens on ${HEALTHCHECK_PORTS:-8082 8081}\"; exit 1"]

# SIGTERM (docker stop): clients get the 4000 disconnect notice, then the node leaves the cluster.
# conf/jvm.options: the JVM options scripts/run and scripts/bench use too; JDK_JAVA_OPTIONS comes before it.
ENTRYPOINT ["java", "@conf/jvm.options", "-jar", "last-mile.jar"]
CMD ["--config", "conf/last-mile.yaml"]
