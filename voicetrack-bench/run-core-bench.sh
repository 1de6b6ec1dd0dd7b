#!/usr/bin/env bash
# Runs the tracker-core benchmarks (dev.voicetrack.bench.core.*) of voicetrack-bench and prints a
# summary against the goals of issue 4: tick < 50 ms (100 guilds x 1,000 members in voice), exact
# rank p99 < 1 ms in a 1,000,000-member guild, and the event ingest rate.
#
# Usage (from anywhere):
#   voicetrack-bench/run-core-bench.sh                         build if needed, run, summarise
#   voicetrack-bench/run-core-bench.sh --summarize <dir>       print the summary of a past run
#
# Environment:
#   VT_BENCH_BUILD=auto|always|never  build voicetrack-core (install, tests skipped) and the
#                                     benchmarks jar (default auto: when the jar is missing or older
#                                     than a source file of voicetrack-core or of bench/core)
#   VT_BENCH_RESULTS=<dir>            where the JSON results go (default
#                                     voicetrack-bench/target/jmh/core-<UTC time>)
#   VT_BENCH_QUICK=1                  shorter iterations (a smoke run of about 4 minutes)
#
# Default settings take about 10 minutes on a 2-core machine: tick (5 x 2 s warm-up, 5 x 2 s, with
# -prof gc), apply (2 variants x (3 + 5) x 2 s), rank (1,000,000 members: build, 3 x 2 s warm-up and 5 x 2 s per sampled benchmark, 2+3
# single shots of the full-sort baseline), ingest (2 kinds x 2 benchmarks x (3 + 5) x 2 s). Figures
# are only meaningful on an otherwise idle machine: the script prints the load average first.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/voicetrack-bench/target/benchmarks.jar"

summarize() {
    python3 - "$1" <<'PY'
import json, os, sys

d = sys.argv[1]
def load(name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return []
    with open(p) as f:
        return json.load(f)

def fmt(x, unit):
    return f"{x:,.3f} {unit}" if x < 100 else f"{x:,.0f} {unit}"

print()
print("=== VoiceTrack core benchmarks: summary ===")
for run in load("tick.json"):
    pm = run["primaryMetric"]
    sec = run.get("secondaryMetrics", {})
    alloc = sec.get("gc.alloc.rate.norm", {}).get("score")
    gct = sec.get("gc.time", {}).get("score")
    ok = "MEETS" if pm["score"] < 50 else "MISSES"
    print(f"tick, 100 guilds x 1,000 members in voice: {pm['score']:.1f} ± {pm['scoreError']:.1f} ms/op"
          f"  [{ok} goal < 50 ms]")
    if alloc is not None:
        print(f"    allocated per tick: {alloc / 1e6:.1f} MB; GC time during measurement: {gct:.0f} ms")
for run in load("apply.json"):
    pm = run["primaryMetric"]
    alloc = run.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    with_rows = run.get("params", {}).get("sessions") == "true"
    what = "100,000 deltas + 100,000 open session rows" if with_rows else "100,000 deltas"
    extra = f", {alloc / 1e6:.1f} MB allocated" if alloc is not None else ""
    print(f"InMemoryStorage.apply, {what}: {pm['score']:.1f} ± {pm['scoreError']:.1f} ms/op{extra}")
for run in load("rank.json"):
    name = run["benchmark"].rsplit(".", 1)[1]
    pm = run["primaryMetric"]
    if run["mode"] == "sample":
        pc = pm["scorePercentiles"]
        p99 = pc["99.0"]
        ok = "MEETS" if p99 < 1000 else "MISSES"
        print(f"rank, 1,000,000 members, {name}: mean {pm['score']:.2f} us, p50 {pc['50.0']:.2f} us,"
              f" p99 {p99:.2f} us, p99.9 {pc['99.9']:.2f} us  [{ok} goal p99 < 1 ms]")
    else:
        print(f"rank, 1,000,000 members, {name} (single shot): {pm['score'] / 1000:.1f} ms per lookup")
base = [r for r in load("rank.json") if r["mode"] == "ss"]
samp = [r for r in load("rank.json") if r["benchmark"].endswith("storageRank")]
if base and samp:
    ratio = base[0]["primaryMetric"]["score"] / samp[0]["primaryMetric"]["score"]
    print(f"    full sort / indexed storage.rank (mean): {ratio:,.0f}x")
for run in load("ingest.json"):
    name = run["benchmark"].rsplit(".", 1)[1]
    pm = run["primaryMetric"]
    kind = run.get("params", {}).get("kind")
    print(f"ingest, {kind} events, {name}: {pm['score']:,.0f} ± {pm['scoreError']:,.0f} events/s")
PY
}

if [[ "${1:-}" == "--summarize" ]]; then
    summarize "$2"
    exit 0
fi

build="${VT_BENCH_BUILD:-auto}"
if [[ "$build" == "auto" ]]; then
    if [[ ! -f "$JAR" ]] || [[ -n "$(find "$ROOT/voicetrack-core/src/main" "$ROOT/voicetrack-bench/src/main/java/dev/voicetrack/bench/core" "$ROOT/voicetrack-bench/pom.xml" -newer "$JAR" -print -quit)" ]]; then
        build=always
    fi
fi
if [[ "$build" == "always" ]]; then
    echo ">> building voicetrack-core (install, tests skipped) and the benchmarks jar"
    (cd "$ROOT" && ./mvnw -B -q -ntp -pl voicetrack-core -DskipTests install \
        && ./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests package)
fi

out="${VT_BENCH_RESULTS:-$ROOT/voicetrack-bench/target/jmh/core-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
# The benchmarks jar is shared with other benchmark runs; run from a private copy so that a rebuild
# meanwhile cannot change classes under a running fork.
cp "$JAR" "$out/benchmarks.jar"
J=(java -jar "$out/benchmarks.jar")
echo ">> load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; results in $out"

if [[ "${VT_BENCH_QUICK:-0}" == "1" ]]; then
    tickopts=(-wi 3 -w 2s -i 3 -r 2s)
    sampleopts=(-wi 2 -w 1s -i 3 -r 1s)
else
    tickopts=(-wi 5 -w 2s -i 5 -r 2s)
    sampleopts=(-wi 3 -w 2s -i 5 -r 2s)
fi

echo ">> tick"
"${J[@]}" 'dev.voicetrack.bench.core.TickBenchmark' -prof gc "${tickopts[@]}" -rf json -rff "$out/tick.json"
echo ">> apply (storage side of a tick)"
"${J[@]}" 'dev.voicetrack.bench.core.ApplyBenchmark' -prof gc "${sampleopts[@]}" -rf json -rff "$out/apply.json"
echo ">> rank"
"${J[@]}" 'dev.voicetrack.bench.core.RankBenchmark' -rf json -rff "$out/rank.json"
echo ">> ingest"
"${J[@]}" 'dev.voicetrack.bench.core.IngestBenchmark' "${sampleopts[@]}" -rf json -rff "$out/ingest.json"

summarize "$out"
