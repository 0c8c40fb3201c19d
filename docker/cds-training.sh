#!/usr/bin/env bash
# AppCDS training run of the prod jar (docs/benchmark.md, "Benchmark: start-up"). The prod jar has no stand-ins, so
# the full jar runs beside it as the stand-in stack (local profile: embedded ElasticMQ and S3, the agent emulator,
# the local receiver; its own gateway stages off) and the prod jar runs its prod profile against them, with the AWS
# credential chain of the prod clients. Camel stops the prod run 5 s after it started (CAMEL_MAIN_DURATIONMAXSECONDS)
# and its JVM writes the archive as it exits. Used by the Dockerfile and by StartupBenchmarkTest: keep them in step.
#
#   docker/cds-training.sh <prod jar> <full jar> <archive to write> [port base, default 19000]
# Java options come from CDS_TRAINING_JAVA_OPTS (default -Xmx512m: compressed oops as at run time), the java from
# JAVA (default: java on the PATH); the prod run's log goes to CDS_TRAINING_LOG (default $TMPDIR/cds-training.log).
set -euo pipefail
prod_jar=$1
full_jar=$2
archive=$3
base=${4:-19000}
java_opts=${CDS_TRAINING_JAVA_OPTS:--Xmx512m}
java=${JAVA:-java}
tmp=${TMPDIR:-/tmp}
training_log=${CDS_TRAINING_LOG:-$tmp/cds-training.log}
sqs=$((base + 1)) s3=$((base + 2)) agent=$((base + 3)) receiver=$((base + 4))

# the stand-ins, ready when their management port answers (the queues and bucket exist by then)
env -i PATH="$PATH" JAVA_HOME="${JAVA_HOME:-}" CAMEL_MAIN_PROFILE=local HTTP_HOST=127.0.0.1 HTTP_PORT=$((base + 5)) \
    MANAGEMENT_HOST=127.0.0.1 MANAGEMENT_PORT=$((base + 6)) EMBEDDED_SQS_PORT=$sqs EMBEDDED_S3_PORT=$s3 \
    AGENT_EMULATOR_PORT=$agent LOCAL_RECEIVER_PORT=$receiver AGENT_STAGE_ENABLED=false DELIVERY_STAGE_ENABLED=false \
    DLQ_SWEEP_ENABLED=false \
    "$java" -Djava.io.tmpdir="$tmp" -Dvertx.cacheDirBase="$tmp/vertx-cache-stand-ins" -jar "$full_jar" \
    > "$tmp/cds-stand-ins.log" 2>&1 &
stand_ins=$!
trap 'kill "$stand_ins" 2>/dev/null || true; wait "$stand_ins" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$((base + 6))") 2>/dev/null; then
        break
    fi
    if ! kill -0 "$stand_ins" 2>/dev/null; then
        tail -n 40 "$tmp/cds-stand-ins.log"
        exit 1
    fi
    sleep 0.5
done

# the prod profile against them; every setting it requires, none of them a real one (the signing secret is made
# for this run)
secret="whsec_$(head -c 24 /dev/urandom | base64)"
env -i PATH="$PATH" JAVA_HOME="${JAVA_HOME:-}" CAMEL_MAIN_PROFILE=prod CAMEL_MAIN_DURATIONMAXSECONDS=5 \
    SQS_WAIT_TIME_SECONDS=1 HTTP_HOST=127.0.0.1 HTTP_PORT=$((base + 7)) MANAGEMENT_HOST=127.0.0.1 \
    MANAGEMENT_PORT=$((base + 8)) SQS_ENDPOINT="http://127.0.0.1:$sqs" S3_ENDPOINT="http://127.0.0.1:$s3" \
    S3_CONDITIONAL_WRITES=false BEDROCK_ENDPOINT="http://127.0.0.1:$agent" BEDROCK_AGENT_ID=TRAINING01 \
    BEDROCK_AGENT_ALIAS_ID=TRAINING01 WEBHOOK_URL="http://127.0.0.1:$receiver/" ALLOW_INSECURE_WEBHOOK_URL=true \
    WEBHOOK_SIGNING_SECRET="$secret" AUTH_DISABLED=true AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=training AWS_SECRET_ACCESS_KEY=training \
    AWS_EC2_METADATA_DISABLED=true \
    "$java" $java_opts -XX:ArchiveClassesAtExit="$archive" -Djava.io.tmpdir="$tmp" -Dvertx.cacheDirBase="$tmp/vertx-cache" \
    -jar "$prod_jar" > "$training_log" 2>&1 \
    || { tail -n 40 "$training_log"; exit 1; }
test -s "$archive"
