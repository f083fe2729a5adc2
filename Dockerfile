# syntax=docker/dockerfile:1
# One recipe for the three services; docker-compose.yml picks which with the SERVICE build arg:
#   docker build --build-arg SERVICE=dedup-stream -t memstream-dedup-stream .
# SERVICE is one of: ingest-api | extractor-worker | dedup-stream

ARG SERVICE=ingest-api

FROM eclipse-temurin:25-jdk AS build
ARG SERVICE
WORKDIR /src
COPY . .
# The same build as scripts/up: JDK 25, the Maven pinned by the wrapper, tests and the format check
# skipped (scripts/check runs them). The cache mount keeps Maven and its downloads between builds;
# "locked" because compose builds the three images at once and they share it.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    sh ./mvnw -B -q -DskipTests -Dspotless.check.skip=true -pl "${SERVICE}" -am package \
 && cp "${SERVICE}/target/${SERVICE}-0.1.0-SNAPSHOT-exec.jar" /app.jar

FROM eclipse-temurin:25-jre
ARG SERVICE
LABEL org.opencontainers.image.title="memstream-${SERVICE}"
# An unprivileged user. /var/lib/memstream is where dedup-stream keeps its Kafka Streams state: a named
# volume mounted there starts out with this directory's owner.
RUN useradd --system --uid 10001 --home-dir /app --no-create-home memstream \
 && mkdir -p /app /var/lib/memstream \
 && chown memstream /var/lib/memstream
COPY --from=build /app.jar /app/app.jar
USER memstream
WORKDIR /app
# JVM options come from JAVA_TOOL_OPTIONS (docker-compose.yml fills it from MEMSTREAM_JAVA_OPTS).
ENTRYPOINT ["java","-jar","/app/app.jar"]
