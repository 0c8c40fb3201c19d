# syntax=docker/dockerfile:1
# AI Webhook Gateway image: Maven build stage, then a slim Java 17 runtime.
#   docker build -t ai-webhook-gateway:0.1.0 .                                   (the prod jar: the image to deploy)
#   docker build --build-arg JAR=ai-webhook-gateway.jar -t ai-webhook-gateway:local .  (the full jar, with the local
#   docker run --rm -p 8080:8080 -p 9876:9876 -e CAMEL_MAIN_PROFILE=local ai-webhook-gateway:local      stand-ins)
#   --build-arg RUNTIME=jlink --build-arg RUNTIME_IMAGE=debian:bookworm-slim   (optional: a jlink-made runtime, below)
# With Podman instead of Docker: `podman build` takes the same arguments. See k8s/README.md for building and checking
# the image (ops.ImageIT) and for the Kubernetes side (probes, graceful stop, read-only root filesystem).

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre
# which jar the image runs: the prod jar (no local stand-ins, nor their libraries), or ai-webhook-gateway.jar (the
# full jar: the local profile too, for the k8s local overlay)
ARG JAR=ai-webhook-gateway-prod.jar
# the Java runtime: jre (default) is RUNTIME_IMAGE's JRE; jlink is a runtime made in the build stage with only the
# modules below, put first on the PATH of RUNTIME_IMAGE, which then needs no Java (any glibc distribution with
# useradd: debian:bookworm-slim). The jlink runtime makes the whole image smaller, but it is part of the image's own
# layers, where the JRE is in a base image that nodes share (k8s/README.md, "Image size").
ARG RUNTIME=jre
# jdeps --print-module-deps of both jars (the same list), plus what jdeps cannot see because it is loaded as a
# service: jdk.crypto.ec (elliptic-curve TLS, which the AWS endpoints negotiate). A module missing here fails only at
# run time, on the path that needs it.
ARG JLINK_MODULES=java.base,java.compiler,java.desktop,java.naming,java.rmi,java.scripting,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec

# ---------------------------------------------------------------------------------------------
# build stage
# ---------------------------------------------------------------------------------------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /build

# 1) dependencies and plugins, from the pom alone: this layer (and the BuildKit cache mount) is
#    reused until pom.xml changes. Packaging the source-less project resolves exactly what the
#    real build uses (dependency:go-offline resolves other AWS SDK versions than this pom manages).
COPY pom.xml ./
RUN --mount=type=cache,target=/root/.m2,id=ai-webhook-gateway-m2 \
    mvn -B -Dmaven.test.skip=true package \
 && rm -rf target

# 2) the application itself. Tests run in CI (.ci/run), not in the image build.
COPY src ./src
COPY docker ./docker
RUN --mount=type=cache,target=/root/.m2,id=ai-webhook-gateway-m2 \
    mvn -B -Dmaven.test.skip=true package \
 && cp target/ai-webhook-gateway-prod.jar target/ai-webhook-gateway.jar /build/

# ---------------------------------------------------------------------------------------------
# RUNTIME=jlink: the runtime, with its own base class-data archive (the app's archive below extends it); otherwise
# an empty directory. (A stage chosen by a build argument would be simpler, but Podman's buildah then skips it.)
# --strip-java-debug-attributes, not --strip-debug: Debian's jlink strips native symbols too, with objcopy (binutils).
# ---------------------------------------------------------------------------------------------
FROM ${MAVEN_IMAGE} AS runtime
ARG RUNTIME
ARG JLINK_MODULES
RUN case "$RUNTIME" in \
      jlink) jlink --add-modules "$JLINK_MODULES" --strip-java-debug-attributes --no-man-pages --no-header-files --output /opt/gateway-java \
             && /opt/gateway-java/bin/java -Xshare:dump > /dev/null ;; \
      jre) mkdir -p /opt/gateway-java ;; \
      *) echo "RUNTIME=$RUNTIME: use jre or jlink" >&2; exit 1 ;; \
    esac

# ---------------------------------------------------------------------------------------------
# runtime stage
# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}
ARG JAR
COPY --from=runtime /opt/gateway-java /opt/gateway-java
ENV PATH=/opt/gateway-java/bin:$PATH

# a fixed numeric user (10001) so Kubernetes can verify runAsNonRoot without a name lookup
RUN groupadd --system --gid 10001 gateway \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home \
            --shell /usr/sbin/nologin gateway

WORKDIR /app
# owned by root and not writable by the app: the only writable path at run time is /tmp
COPY --from=build --chown=root:root --chmod=0444 /build/${JAR} /app/ai-webhook-gateway.jar

# Class-data sharing (AppCDS; docs/benchmark.md, "Benchmark: start-up": ready about 1 s sooner, ~20 MiB more RSS):
# a training run writes the classes the gateway loads to /app/gateway.jsa, and every start maps them from there
# instead of reading and verifying them from the jar. An archive fits only the JVM and the jar path that made it,
# hence here, in this stage. docker/cds-training.sh runs the image's jar in its prod profile against the local
# stand-ins of the full jar (mounted from the build stage for this step only, so it is not in the image), with the
# AWS credential chain of the prod clients; Camel stops it 5 s after it started and the JVM writes the archive as it
# exits. -Xmx512m keeps compressed oops on, as at run time (a mismatch would only make the JVM ignore the archive,
# with a warning). JAVA_TOOL_OPTIONS is not set yet here. StartupBenchmarkTest's prod+cds-image scenario runs the
# same script. (The JDK's own base archive, which the app's archive extends, is made first should the runtime lack
# it: asked of java itself, since not every base image sets JAVA_HOME; remaking one the runtime has would copy 13 MiB
# into this layer.)
RUN --mount=type=bind,from=build,source=/build/ai-webhook-gateway.jar,target=/opt/stand-ins.jar \
    --mount=type=bind,from=build,source=/build/docker/cds-training.sh,target=/opt/cds-training.sh \
    { java -Xshare:on -version > /dev/null 2>&1 || java -Xshare:dump > /dev/null; } \
 && bash /opt/cds-training.sh /app/ai-webhook-gateway.jar /opt/stand-ins.jar /app/gateway.jsa \
 && chmod 0444 /app/gateway.jsa && rm -rf /tmp/*

# prod by default: real AWS, nothing embedded, fail fast on missing settings.
# JVM sized from the container's memory limit; an OutOfMemoryError ends the process so the
# orchestrator restarts it rather than leaving a half-working JVM. Operators may replace
# JAVA_TOOL_OPTIONS wholesale (the k8s ConfigMap does not, by default).
ENV CAMEL_MAIN_PROFILE=prod \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:InitialRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Djava.io.tmpdir=/tmp -Dvertx.cacheDirBase=/tmp/vertx-cache -Duser.home=/tmp"

# the root filesystem can be read-only: /tmp is the one writable location (an emptyDir in k8s,
# or `docker run --read-only --tmpfs /tmp`)
VOLUME ["/tmp"]

USER 10001:10001

# 8080: business traffic (POST /webhook); 9876: management (health, metrics)
EXPOSE 8080 9876

# exec form: java is PID 1 and receives SIGTERM directly, so Camel's graceful shutdown runs
# (bounded by SHUTDOWN_TIMEOUT_SECONDS) before the container stops. The CDS archive is given here, not in
# JAVA_TOOL_OPTIONS, so replacing those keeps it; an archive that does not fit is ignored with a warning.
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/gateway.jsa", "-jar", "/app/ai-webhook-gateway.jar"]
