#!/usr/bin/env bash
# Single-node Apache Kafka 4.x (KRaft, broker+controller in one JVM) for CI and development.
# The broker's jars come from Maven Central through scripts/kafka/pom.xml; no distribution tarball.
#
#   bash scripts/kafka/kafka.sh start    # fetch jars (once), format storage (only the first time), start, wait for ready
#   bash scripts/kafka/kafka.sh stop     # stop the broker started by `start` and wait for it to exit
#   bash scripts/kafka/kafka.sh status   # exit 0 when it runs and its listener accepts connections
#   bash scripts/kafka/kafka.sh reset    # stop, delete every topic and record, start an empty broker
#
# See scripts/kafka/README.md for the environment variables.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
cd "$ROOT"

HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_VERSION="${KAFKA_VERSION:-}"             # empty: the version pinned in pom.xml
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"             # extra JVM options for the broker
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}" # seconds
KAFKA_LOG_LEVEL="${KAFKA_LOG_LEVEL:-INFO}"
KAFKA_WARMUP="${KAFKA_WARMUP:-1}"               # 1: create/load the internal topics before "ready"
KAFKA_DIR="${KAFKA_DIR:-.data/kafka}"
KAFKA_LIBS="${KAFKA_LIBS:-}"                     # empty: $KAFKA_DIR/libs (a second broker may share the first's jars)
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"

case "$KAFKA_DIR" in /*) ;; *) KAFKA_DIR="$ROOT/$KAFKA_DIR" ;; esac
LIBS="${KAFKA_LIBS:-$KAFKA_DIR/libs}"
case "$LIBS" in /*) ;; *) LIBS="$ROOT/$LIBS" ;; esac
DATA="$KAFKA_DIR/data"
PID_FILE="$KAFKA_DIR/kafka.pid"
LOG_FILE="$KAFKA_DIR/kafka.log"
CONFIG="$KAFKA_DIR/server.properties"
LOG4J_CONFIG="$KAFKA_DIR/log4j2.properties"
PROBE_SRC="$KAFKA_DIR/probe/KafkaReady.java"
POM="$SCRIPT_DIR/pom.xml"
OFFSETS_PARTITIONS=3 # __consumer_offsets (Kafka's default of 50 only slows a one-node broker down)
TXN_PARTITIONS=3     # __transaction_state

log() { echo "kafka: $*" >&2; }
die() { echo "kafka: error: $*" >&2; exit 1; }

usage() {
  echo "usage: bash scripts/kafka/kafka.sh start|stop|status|reset" >&2
  exit 2
}

# --- process helpers -------------------------------------------------------------------------------

# Prints the pid from the pid file when that process is alive and is a Kafka broker (not a reused pid).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  fi
  echo "$pid"
}

# True when something accepts TCP connections on $HOST:$1.
port_open() {
  (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# The PLAINTEXT port the running broker was configured with (from its server.properties).
configured_port() {
  sed -n "s|^listeners=PLAINTEXT://$HOST:\([0-9]*\),.*|\1|p" "$CONFIG" 2>/dev/null || true
}

log_tail() {
  if [[ -f "$LOG_FILE" ]]; then
    echo "----- last 60 lines of $LOG_FILE -----" >&2
    tail -n 60 "$LOG_FILE" >&2 || true
    echo "-----" >&2
  fi
}

# --- prerequisites ----------------------------------------------------------------------------------

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (Kafka 4 needs Java 17+); set JAVA=/path/to/java"
  local v major
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${v%%.*}"
  [[ "$major" == 1 ]] && major="$(echo "$v" | cut -d. -f2)"
  if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 17)); then
    die "Kafka 4 needs Java 17 or later, found $v ($JAVA)"
  fi
}

pom_stamp() {
  local sum
  sum="$(cksum <"$POM" | tr -s ' ' '-')" # POSIX, also on macOS
  echo "version=${KAFKA_VERSION:-pom} pom=$sum"
}

fetch_libs() {
  local stamp
  stamp="$(pom_stamp)"
  if [[ -f "$LIBS/.stamp" && "$(cat "$LIBS/.stamp")" == "$stamp" ]] && compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "mvn not found; it fetches the Kafka jars from Maven Central (set MVN=...)"
  log "fetching Kafka ${KAFKA_VERSION:-(pom default)} jars from Maven Central into ${LIBS#"$ROOT"/} ..."
  local tmp="$LIBS.tmp.$$"
  rm -rf "$tmp"
  local args=(-q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies
    -DoutputDirectory="$tmp" -DincludeScope=runtime -DoverWriteReleases=true)
  [[ -n "$KAFKA_VERSION" ]] && args+=(-Dkafka.version="$KAFKA_VERSION")
  if ! "$MVN" "${args[@]}" >"$KAFKA_DIR/mvn.log" 2>&1; then
    rm -rf "$tmp"
    tail -n 40 "$KAFKA_DIR/mvn.log" >&2 || true
    die "mvn dependency:copy-dependencies failed, see ${KAFKA_DIR#"$ROOT"/}/mvn.log (Maven Central reachable? KAFKA_VERSION=${KAFKA_VERSION:-} published?)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "mvn did not copy kafka_2.13 into $tmp"; }
  echo "$stamp" >"$tmp/.stamp"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
}

# --- configuration ----------------------------------------------------------------------------------

# A Kafka Uuid as the storage tool expects: 16 random bytes, base64url without padding (22 chars).
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    # Kafka's own generator never starts an id with '-' (it would read as a CLI flag).
    [[ ${#id} == 22 && "$id" != -* ]] && { echo "$id"; return; }
  done
}

write_config() {
  cat >"$CONFIG" <<EOF
# Written by scripts/kafka/kafka.sh on every start; edits are lost.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA

# one node: every internal topic has a single replica
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=$OFFSETS_PARTITIONS
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=$TXN_PARTITIONS
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
delete.topic.enable=true

# fast, repeatable tests: no 3 s wait before the first rebalance of a consumer group
group.initial.rebalance.delay.ms=0
num.io.threads=4
num.network.threads=2
num.recovery.threads.per.data.dir=1
log.retention.hours=24
EOF

  cat >"$LOG4J_CONFIG" <<EOF
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = \${sys:kafka.sh.loglevel:-$KAFKA_LOG_LEVEL}
rootLogger.appenderRef.out.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

# --- readiness probe ----------------------------------------------------------------------------------

# A tiny admin client (compiled once with the JDK's javac): it waits until the broker answers
# DescribeCluster and Metadata, and gives up early when the broker process has exited.
write_probe() {
  mkdir -p "$(dirname "$PROBE_SRC")"
  cat >"$PROBE_SRC" <<'EOF'
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;

// args: bootstrap pid timeoutSeconds warmup(0|1) offsetsPartitions txnPartitions
public class KafkaReady {
  static long deadline;
  static long pid;

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    pid = Long.parseLong(args[1]);
    deadline = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000L;
    boolean warmup = args.length > 3 && args[3].equals("1");
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", "kafka-sh-ready-probe");
    p.put("request.timeout.ms", "3000");
    p.put("default.api.timeout.ms", "4000");
    p.put("reconnect.backoff.ms", "200");
    p.put("reconnect.backoff.max.ms", "500");
    p.put("retry.backoff.ms", "100");
    p.put("retry.backoff.max.ms", "300");
    try (Admin admin = Admin.create(p)) {
      // 1. The broker answers DescribeCluster and Metadata.
      until("broker metadata", () -> {
        int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000))
            .nodes().get(4, TimeUnit.SECONDS).size();
        admin.listTopics(new ListTopicsOptions().timeoutMs(3000).listInternal(true))
            .names().get(4, TimeUnit.SECONDS);
        if (nodes == 0) throw new IllegalStateException("no brokers in metadata");
      }, true);
      if (!warmup) System.exit(0);
      // 2. Best effort: create and load __consumer_offsets and __transaction_state now (a client's
      //    first FindCoordinator otherwise does it and sees COORDINATOR_LOAD_IN_PROGRESS for seconds).
      Map<String, ListConsumerGroupOffsetsSpec> groups = new HashMap<>();
      for (String g : keysCoveringPartitions("kafka-sh-warmup-group-", Integer.parseInt(args[4]))) {
        groups.put(g, new ListConsumerGroupOffsetsSpec());
      }
      until("group coordinator", () -> admin.listConsumerGroupOffsets(groups).all().get(5, TimeUnit.SECONDS), false);
      List<String> txIds = keysCoveringPartitions("kafka-sh-warmup-tx-", Integer.parseInt(args[5]));
      until("transaction coordinator", () -> {
        try {
          admin.describeTransactions(txIds).all().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TransactionalIdNotFoundException)) throw e;
        }
      }, false);
      // 3. Best effort: a first InitProducerId makes the broker fetch a block of producer ids from the
      //    controller; until then idempotent and transactional producers get COORDINATOR_LOAD_IN_PROGRESS.
      until("producer id allocation", () -> {
        Properties pp = new Properties();
        pp.putAll(p);
        pp.remove("default.api.timeout.ms");
        pp.remove("retry.backoff.max.ms");
        pp.put("client.id", "kafka-sh-warmup-producer");
        pp.put("transactional.id", txIds.get(0));
        pp.put("max.block.ms", "5000");
        pp.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        pp.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
          producer.initTransactions();
        }
      }, false);
    }
    System.exit(0);
  }

  // Ids whose coordinator partitions (abs(hashCode) % n, as the broker computes it) cover all n.
  static List<String> keysCoveringPartitions(String prefix, int n) {
    List<String> keys = new ArrayList<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; seen.size() < n && i < 100_000; i++) {
      String k = prefix + i;
      int h = k.hashCode();
      if (seen.add((h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % n)) keys.add(k);
    }
    return keys;
  }

  interface Step { void run() throws Exception; }

  static void until(String what, Step step, boolean required) throws InterruptedException {
    Exception last = null;
    while (true) {
      if (pid > 0 && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        System.err.println("broker process " + pid + " exited");
        System.exit(3);
      }
      try {
        step.run();
        return;
      } catch (Exception e) {
        last = e;
      }
      if (System.currentTimeMillis() > deadline) {
        System.err.println((required ? "not ready: " : "warning: warm-up of the ") + what
            + (required ? "" : " did not finish") + ": " + last);
        if (required) System.exit(2);
        return;
      }
      Thread.sleep(200);
    }
  }
}
EOF
}

# The JDK's javac next to $JAVA (absent on a JRE).
find_javac() {
  local java_path
  java_path="$(command -v "$JAVA" 2>/dev/null)" || return 1
  java_path="$(readlink -f "$java_path" 2>/dev/null || echo "$java_path")"
  [[ -x "$(dirname "$java_path")/javac" ]] && echo "$(dirname "$java_path")/javac"
}

# Compiles the probe once per jar set (kept next to the jars); prints its class directory.
probe_classes() {
  local classes="$LIBS/.probe" javac
  if [[ ! -f "$classes/KafkaReady.class" ]]; then
    javac="$(find_javac)" || return 1
    write_probe
    rm -rf "$classes.tmp.$$"
    mkdir -p "$classes.tmp.$$"
    "$javac" -nowarn -d "$classes.tmp.$$" -cp "$LIBS/*" "$PROBE_SRC" >&2 || { rm -rf "$classes.tmp.$$"; return 1; }
    rm -rf "$classes"
    mv "$classes.tmp.$$" "$classes"
  fi
  echo "$classes"
}

# wait_ready PID TIMEOUT_SECONDS WARMUP(0|1) -> 0 ready, non-zero otherwise
wait_ready() {
  local pid="$1" timeout="$2" warmup="${3:-0}" classes
  if classes="$(probe_classes)"; then
    "$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Xshare:auto -Dorg.apache.logging.log4j.level=OFF \
      -Dlog4j2.statusLoggerLevel=OFF -cp "$classes:$LIBS/*" KafkaReady "$HOST:$KAFKA_PORT" "$pid" "$timeout" \
      "$warmup" "$OFFSETS_PARTITIONS" "$TXN_PARTITIONS"
    return
  fi
  # JRE without a compiler: the broker logs "Kafka Server started" once its listeners take requests.
  local end=$((SECONDS + timeout))
  while ((SECONDS < end)); do
    kill -0 "$pid" 2>/dev/null || { echo "broker process $pid exited" >&2; return 3; }
    if grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null && port_open "$KAFKA_PORT"; then
      return 0
    fi
    sleep 0.5
  done
  echo "not ready after ${timeout}s" >&2
  return 2
}

# --- storage ----------------------------------------------------------------------------------------

# True when $DATA holds KRaft storage formatted for this one-node setup (meta.properties v1, node 1).
storage_formatted() {
  local meta="$DATA/meta.properties"
  [[ -f "$meta" ]] || return 1
  grep -qx 'version=1' "$meta" && grep -qx 'node.id=1' "$meta" && grep -q '^cluster.id=.' "$meta" &&
    [[ -f "$DATA/bootstrap.checkpoint" || -d "$DATA/__cluster_metadata-0" ]]
}

# An empty $DATA formatted with a fresh cluster id. Whatever was there is deleted: storage of another
# setup (a ZooKeeper-era or other node id meta.properties, a half-done format) cannot be started on.
format_storage() {
  if [[ -d "$DATA" && -n "$(ls -A "$DATA" 2>/dev/null)" ]]; then
    log "${DATA#"$ROOT"/} is not storage formatted for this broker (left by an older setup or an interrupted format); deleting it and starting empty"
  fi
  rm -rf "$DATA"
  mkdir -p "$DATA"
  # C1-only + serial GC: the format tool is a short-lived JVM (~1.5 s instead of ~2.5 s on 2 cores).
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dkafka.sh.loglevel=WARN \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -cp "$LIBS/*" kafka.tools.StorageTool format -t "$(random_cluster_id)" -c "$CONFIG" >>"$LOG_FILE" 2>&1; then
    log "formatting KRaft storage failed"
    log_tail
    exit 1
  fi
}

# --- commands -----------------------------------------------------------------------------------------

cmd_start() {
  mkdir -p "$KAFKA_DIR"
  check_java

  local pid
  if pid="$(running_pid)"; then
    local port
    port="$(configured_port)"
    if [[ -n "$port" && "$port" != "$KAFKA_PORT" ]]; then
      die "a broker started by this script already runs on $HOST:$port (pid $pid); run 'stop' first"
    fi
    if [[ "$(cat "$LIBS/.stamp" 2>/dev/null)" != "$(pom_stamp)" ]]; then
      die "the running broker (pid $pid) uses other jars than KAFKA_VERSION=${KAFKA_VERSION:-(pom default)} asks for; run 'stop' first"
    fi
    if wait_ready "$pid" 10 0 2>/dev/null; then
      echo "kafka ready on $HOST:$KAFKA_PORT (already running, pid $pid)"
      return 0
    fi
    log "broker pid $pid runs but does not answer; restarting it"
    cmd_stop >/dev/null
  fi
  rm -f "$PID_FILE"

  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$p"; then
      die "$HOST:$p is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
    fi
  done

  fetch_libs
  probe_classes >/dev/null || true # compile the readiness probe now, not while the broker boots
  write_config

  : >"$LOG_FILE"
  local started_at=$SECONDS kept=0 # after the jar download: format + boot + warm-up
  if storage_formatted; then
    kept=1 # the topics, records and committed offsets of the last run stay
  else
    format_storage
  fi

  local jvm_opts=(
    $KAFKA_HEAP_OPTS
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError
    -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$LOG4J_CONFIG"
    -Dkafka.logs.dir="$KAFKA_DIR"
    $KAFKA_JVM_OPTS
  )
  # setsid: the broker outlives this script and is not hit by the terminal's Ctrl-C.
  # The inner shell writes its own pid, then execs java, so the pid file names the JVM.
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  ${launcher[@]+"${launcher[@]}"} nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" "${jvm_opts[@]}" -cp "$LIBS/*" kafka.Kafka "$CONFIG" \
    </dev/null >>"$LOG_FILE" 2>&1 &

  local waited=0
  while [[ ! -s "$PID_FILE" ]] && ((waited < 50)); do sleep 0.1; waited=$((waited + 1)); done
  pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || { log "the broker did not start"; log_tail; exit 1; }

  if ! wait_ready "$pid" "$KAFKA_START_TIMEOUT" "$KAFKA_WARMUP"; then
    if kill -0 "$pid" 2>/dev/null; then
      log "broker (pid $pid) did not become ready within ${KAFKA_START_TIMEOUT}s; stopping it"
      log_tail
      cmd_stop >/dev/null || true
    else
      log "broker (pid $pid) exited during startup"
      log_tail
    fi
    if ((kept)); then
      log "it was started on the data kept from the last run (${DATA#"$ROOT"/}); if another Kafka version wrote it," \
        "'bash scripts/kafka/kafka.sh reset' starts an empty broker (every topic and record is deleted)"
    fi
    rm -f "$PID_FILE"
    exit 1
  fi
  if ((kept)); then log "kept the topics and records of the last run (${DATA#"$ROOT"/}; 'reset' empties it)"; fi
  log "started in $((SECONDS - started_at))s (pid $pid, Kafka $(basename "$(compgen -G "$LIBS/kafka_2.13-*.jar" | head -n1)" .jar | sed 's/kafka_2.13-//'), log ${LOG_FILE#"$ROOT"/})"
  echo "kafka ready on $HOST:$KAFKA_PORT"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "kafka not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 300; i++)); do # controlled shutdown; up to 30 s
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid still alive after 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  rm -f "$PID_FILE"
  echo "kafka stopped (pid $pid)"
}

cmd_status() {
  local pid port
  if ! pid="$(running_pid)"; then
    echo "kafka not running"
    return 1
  fi
  port="$(configured_port)"
  port="${port:-$KAFKA_PORT}"
  if port_open "$port"; then
    echo "kafka running (pid $pid) on $HOST:$port"
    return 0
  fi
  echo "kafka process running (pid $pid) but $HOST:$port does not accept connections (yet); see ${LOG_FILE#"$ROOT"/}"
  return 2
}

# Stops the broker, deletes its storage (every topic, record and committed offset), starts it empty.
cmd_reset() {
  cmd_stop >/dev/null
  rm -rf "$DATA"
  log "deleted ${DATA#"$ROOT"/}"
  cmd_start
}

case "${1:-}" in
  start) cmd_start ;;
  reset) cmd_reset ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
