#!/usr/bin/env bash
# Runs the Redis-tier benchmarks of issue 3 against ONE private redis-server and prints the summary:
#   - RedisCache get/put throughput at 1 and 50 callers against redis-benchmark GET/SET at 1 and 50
#     connections (-P 1, same value size, keys drawn from 16,384) on the same server; goal >= 70%;
#   - sync get latency (p50/p99, 1 caller) against a raw Lettuce GET; goal <= 1.3x;
#   - two-tier cache hit throughput against the in-process tier alone;
#   - how long a write on one two-tier instance takes to reach another's in-process tier (p99 goal 100 ms).
# See the Javadoc of dev.voicetrack.bench.redis.RedisCacheBenchmark for what exactly is compared
# (redis-benchmark runs 50 connections; at 1 caller the cache uses one blocking connection, at 50 callers
# one Lettuce connection that multiplexes them).
#
# Usage (from anywhere):
#   voicetrack-bench/run-redis-bench.sh                         build if needed, run, summarise
#   voicetrack-bench/run-redis-bench.sh --summarize <dir>       print the summary of a past run
#
# Environment:
#   VT_BENCH_BUILD=auto|always|never  build the benchmarks jar (default auto: when it is missing or
#                                     older than a source of bench/redis or the bench pom); installs
#                                     voicetrack-cache-redis and voicetrack-testkit first when the local
#                                     repository lacks them
#   VT_BENCH_RESULTS=<dir>            where results go (default voicetrack-bench/target/jmh/redis-<UTC time>)
#   VT_BENCH_QUICK=1                  1 x 1 s warm-up, 2 x 1 s measurement (a smoke run, ~4 minutes)
#   VT_BENCH_PIN=1|0                  pin redis-server to CPU 0 and every client (redis-benchmark, the
#                                     JMH JVM and its forks) to the other CPUs (default 1 when taskset
#                                     exists and there are at least 2 CPUs)
#
# Why pin: with one request in flight, a round trip costs ~25 us when client and server happen to
# share a core and ~80 us when they do not, and the scheduler picks either from one run to the next
# (one unpinned run measured redis-benchmark -c 1 GET at 32,700 ops/s before JMH and 10,900 after).
# Pinned, client and server always sit on different cores, as they would on different machines, and
# each client gets the same one core (a pinned JVM sees 1 CPU, so it picks the serial collector).
#
# The server is started here on a free loopback port (never the shared 6379) with no persistence
# (--save "" --appendonly no) and stopped on exit, whatever happens. redis-benchmark runs before and
# after JMH, so the spread between its two runs shows how much the machine drifted meanwhile; ratios
# use the mean of the two. Default settings take about 10 minutes on an idle 2-core machine (more
# under load): 4 x 200,000 requests of redis-benchmark twice (~1 minute), 11 JMH runs of the Redis
# cache of (6 + 4) x 2 s and 6 of the two-tier hits of (2 + 4) x 2 s plus fork and set-up (~8 minutes),
# and 2,000 two-tier invalidations (seconds).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/voicetrack-bench/target/benchmarks.jar"
KEYSPACE=16384 # RedisBenchData.KEYS
REQUESTS=200000

summarize() {
    python3 - "$1" <<'PY'
import csv, json, os, sys

d = sys.argv[1]

def rb(name):
    """redis-benchmark --csv: {'SET': rps, 'GET': rps} (p50 latency too)."""
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return {}
    out = {}
    with open(p) as f:
        for row in csv.DictReader(f):
            out[row["test"].split()[0]] = (float(row["rps"]), float(row["p50_latency_ms"]) * 1000)
    return out

def jmh():
    runs = []
    for name in ("jmh-redis.json", "jmh-two-tier.json"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            with open(p) as f:
                runs += json.load(f)
    out = {}
    for r in runs:
        name = r["benchmark"].rsplit(".", 1)[1]
        iso = r.get("params", {}).get("isolation")
        out[name + (f"[{iso}]" if iso else "")] = r["primaryMetric"]
    return out

j = jmh()
before = {c: rb(f"redis-benchmark-c{c}-before.csv") for c in (1, 50)}
after = {c: rb(f"redis-benchmark-c{c}-after.csv") for c in (1, 50)}

def rb_mean(c, test):
    vals = [x[test][0] for x in (before[c], after[c]) if test in x]
    return (sum(vals) / len(vals), vals) if vals else (None, [])

def score(name):
    m = j.get(name)
    return (m["score"], m["scoreError"]) if m else (None, None)

def fmt(x):
    # JMH writes "NaN" as the error of runs with too few iterations
    return "-" if x is None or isinstance(x, str) or x != x else f"{x:,.0f}"

def verdict(ok):
    return "MEETS" if ok else "MISSES"

print()
print("=== VoiceTrack Redis tier: summary ===")
for f in ("placement.txt", "load.txt"):
    if os.path.exists(os.path.join(d, f)):
        print(open(os.path.join(d, f)).read().rstrip())
print()
print("Throughput, ops/s. redis-benchmark: -P 1, -d payload, -r 16384, N connections (mean of the runs")
print("before and after JMH, both shown). VoiceTrack and raw Lettuce: N JMH threads on ONE connection each")
print("(VoiceTrack's 1 caller on a blocking connection, its 50 on Lettuce; see RedisCacheBenchmark).")
print(f"{'operation':<22}{'VoiceTrack':>12}{'± err':>9}{'raw Lettuce':>13}{'redis-benchmark':>17}"
      f"{'(before / after)':>22}{'VT/rb':>8}{'VT/Lettuce':>12}  goal VT/rb >= 70%")
rows = [("get", "GET", "voiceTrackGet", "rawGet"), ("put / SET", "SET", "voiceTrackPut", "rawSet")]
for c, suffix in ((1, "1Thread"), (50, "50Threads")):
    for label, test, vt, raw in rows:
        v, ve = score(vt + suffix)
        r, _ = score(raw + suffix)
        m, vals = rb_mean(c, test)
        ratio = v / m if v and m else None
        lratio = v / r if v and r else None
        spread = " / ".join(f"{x:,.0f}" for x in vals)
        goal = verdict(ratio >= 0.70) if ratio is not None else ""
        print(f"{label + ', ' + str(c) + ' caller' + ('s' if c > 1 else ''):<22}{fmt(v):>12}{fmt(ve):>9}"
              f"{fmt(r):>13}{fmt(m):>17}{spread:>22}"
              f"{(f'{ratio:.0%}' if ratio else '-'):>8}{(f'{lratio:.0%}' if lratio else '-'):>12}  {goal}")

print()
print("Sync get latency, 1 caller, µs (JMH SampleTime). redis-benchmark -c 1 GET p50 for reference.")
lat = {n: j.get(n) for n in ("voiceTrackGetLatency", "rawGetLatency", "rawGetDecodeLatency")}
print(f"{'':<28}{'mean':>9}{'p50':>9}{'p90':>9}{'p99':>9}{'p99.9':>9}")
for n, m in lat.items():
    if m:
        pc = m["scorePercentiles"]
        print(f"{n:<28}{m['score']:>9.1f}{pc['50.0']:>9.1f}{pc['90.0']:>9.1f}{pc['99.0']:>9.1f}{pc['99.9']:>9.1f}")
rbl = [x["GET"][1] for x in (before[1], after[1]) if "GET" in x]
if rbl:
    print(f"{'redis-benchmark -c 1 GET':<28}{'':>9}{sum(rbl) / len(rbl):>9.1f}")
vt, raw = lat["voiceTrackGetLatency"], lat["rawGetLatency"]
if vt and raw:
    r50 = vt["scorePercentiles"]["50.0"] / raw["scorePercentiles"]["50.0"]
    r99 = vt["scorePercentiles"]["99.0"] / raw["scorePercentiles"]["99.0"]
    rmean = vt["score"] / raw["score"]
    print(f"VoiceTrack / raw Lettuce: p50 {r50:.2f}x, p99 {r99:.2f}x, mean {rmean:.2f}x"
          f"  [{verdict(r50 <= 1.3)} goal <= 1.3x at p50; p99 {verdict(r99 <= 1.3).lower()} it]")

print()
print("Two-tier hit throughput, ops/s (hits served by the in-process tier; JVM not pinned).")
for suffix, label in (("1Thread", "1 thread"), ("2Threads", "2 threads")):
    t, te = score("twoTierGet" + suffix)
    c, _ = score(f"inProcessGet{suffix}[copying]")
    p, _ = score(f"inProcessGet{suffix}[default]")
    if t is None:
        continue
    print(f"{label}: two-tier {fmt(t)} ± {fmt(te)}; in-process tier alone (copying, as in the two-tier cache)"
          f" {fmt(c)} -> {t / c:.0%}; in-process default (shared immutable values) {fmt(p)} -> {t / p:.0%}")

inv = os.path.join(d, "invalidation.txt")
if os.path.exists(inv):
    print()
    print("Write on one two-tier instance until another JVM's instance's get returns it (pub/sub invalidation):")
    print(open(inv).read().rstrip())
PY
}

if [[ "${1:-}" == "--summarize" ]]; then
    summarize "$2"
    exit 0
fi

for tool in redis-server redis-cli redis-benchmark python3 java; do
    command -v "$tool" >/dev/null || { echo "run-redis-bench.sh: $tool is not on the PATH (apt-get install redis-server python3)" >&2; exit 1; }
done

build="${VT_BENCH_BUILD:-auto}"
if [[ "$build" == "auto" ]]; then
    if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/voicetrack-bench/src/main/java/dev/voicetrack/bench/redis" "$ROOT/voicetrack-bench/pom.xml" -newer "$JAR" -print -quit)" ]]; then
        build=always
    fi
fi
if [[ "$build" == "always" ]]; then
    m2="${HOME}/.m2/repository/dev/voicetrack"
    for module in voicetrack-cache-redis voicetrack-testkit; do
        if ! ls "$m2/$module"/*/"$module"-*.jar >/dev/null 2>&1; then
            echo ">> installing $module (tests skipped)"
            (cd "$ROOT" && ./mvnw -B -q -ntp -f "$module/pom.xml" -DskipTests install)
        fi
    done
    echo ">> building the benchmarks jar"
    (cd "$ROOT" && ./mvnw -B -q -ntp -f voicetrack-bench/pom.xml -DskipTests package)
fi

out="${VT_BENCH_RESULTS:-$ROOT/voicetrack-bench/target/jmh/redis-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
# The benchmarks jar is shared with other benchmark runs; run from a private copy so that a rebuild
# meanwhile cannot change classes under a running fork.
cp "$JAR" "$out/benchmarks.jar"
PAYLOAD="$(java -cp "$out/benchmarks.jar" dev.voicetrack.bench.redis.RedisBenchData)"

# ---- one private redis-server on a free loopback port, stopped on exit
free_port() {
    python3 -c 'import socket
while True:
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    if p != 6379:
        print(p); break'
}
srvdir="$(mktemp -d "${TMPDIR:-/tmp}/vt-redis-bench-XXXXXX")"
srvpid=""
cleanup() {
    if [[ -n "$srvpid" ]] && kill -0 "$srvpid" 2>/dev/null; then
        kill "$srvpid" 2>/dev/null || true
        wait "$srvpid" 2>/dev/null || true
    fi
    rm -rf "$srvdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
SERVER_CPU=()
CLIENT_CPU=()
pin="${VT_BENCH_PIN:-1}"
if [[ "$pin" == "1" ]] && command -v taskset >/dev/null && [[ "$(nproc)" -ge 2 ]]; then
    SERVER_CPU=(taskset -c 0)
    CLIENT_CPU=(taskset -c "1-$(($(nproc) - 1))")
    placement="redis-server on CPU 0, clients on CPUs 1-$(($(nproc) - 1))"
else
    placement="not pinned"
fi
for attempt in 1 2 3; do
    PORT="$(free_port)"
    "${SERVER_CPU[@]}" redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$srvdir" \
        --daemonize no --logfile "$srvdir/redis.log" &
    srvpid=$!
    for _ in $(seq 100); do
        if [[ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" == "PONG" ]]; then
            break 2
        fi
        kill -0 "$srvpid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$srvpid" 2>/dev/null || true
    wait "$srvpid" 2>/dev/null || true
    srvpid=""
done
if [[ -z "$srvpid" ]]; then
    echo "run-redis-bench.sh: could not start redis-server; log:" >&2
    cat "$srvdir/redis.log" >&2 || true
    exit 1
fi

load() { echo "$(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"; }
echo ">> redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') pid $srvpid on 127.0.0.1:$PORT; payload $PAYLOAD bytes; $placement; results in $out"
echo "placement: $placement" >"$out/placement.txt"
echo "load average before: $(load)" | tee "$out/load.txt"

redis_bench() { # <connections> <when>
    echo ">> redis-benchmark -h 127.0.0.1 -p $PORT -t set,get -n $REQUESTS -c $1 -d $PAYLOAD -P 1 -r $KEYSPACE --csv ($2)"
    "${CLIENT_CPU[@]}" redis-benchmark -h 127.0.0.1 -p "$PORT" -t set,get -n "$REQUESTS" -c "$1" -d "$PAYLOAD" -P 1 \
        -r "$KEYSPACE" --csv >"$out/redis-benchmark-c$1-$2.csv"
    cat "$out/redis-benchmark-c$1-$2.csv"
}

redis_bench 1 before
redis_bench 50 before

if [[ "${VT_BENCH_QUICK:-0}" == "1" ]]; then
    jmhopts=(-wi 1 -w 1s -i 2 -r 1s)
else
    jmhopts=()
fi
# The Redis-tier benchmarks run pinned like redis-benchmark; the two-tier hit benchmarks do not talk to
# Redis while measuring (the set-up checks that), so they run unpinned with both cores, as in-process
# cache benchmarks do.
echo ">> JMH: ${CLIENT_CPU[*]:-} java -jar benchmarks.jar 'dev\.voicetrack\.bench\.redis\.RedisCacheBenchmark' -p redisPort=$PORT ${jmhopts[*]:-}"
"${CLIENT_CPU[@]}" java -jar "$out/benchmarks.jar" 'dev\.voicetrack\.bench\.redis\.RedisCacheBenchmark' -p "redisPort=$PORT" \
    "${jmhopts[@]}" -rf json -rff "$out/jmh-redis.json" | tee "$out/jmh-redis.log"
echo ">> JMH: java -jar benchmarks.jar 'dev\.voicetrack\.bench\.redis\.TwoTierHitBenchmark' -p redisPort=$PORT ${jmhopts[*]:-}"
java -jar "$out/benchmarks.jar" 'dev\.voicetrack\.bench\.redis\.TwoTierHitBenchmark' -p "redisPort=$PORT" \
    "${jmhopts[@]}" -rf json -rff "$out/jmh-two-tier.json" | tee "$out/jmh-two-tier.log"

echo ">> java -cp benchmarks.jar dev.voicetrack.bench.redis.TwoTierInvalidationRun $PORT 2000"
java -cp "$out/benchmarks.jar" dev.voicetrack.bench.redis.TwoTierInvalidationRun "$PORT" 2000 | tee "$out/invalidation.txt"

redis_bench 1 after
redis_bench 50 after
echo "load average after:  $(load)" | tee -a "$out/load.txt"

summarize "$out"
