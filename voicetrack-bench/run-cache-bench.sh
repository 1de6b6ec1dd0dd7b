#!/usr/bin/env bash
# Runs every cache benchmark (dev.voicetrack.bench.cache.*) of voicetrack-bench in one JMH run and
# prints VoiceTrack's figures next to raw Caffeine's, with the ratio.
#
# Usage (from anywhere):
#   voicetrack-bench/run-cache-bench.sh [extra JMH options, e.g. -prof gc]
#   voicetrack-bench/run-cache-bench.sh --summarize <results.json>   (print the table of a past run)
#
# Environment:
#   VT_BENCH_BUILD=auto|always|never  build benchmarks.jar if missing or stale (default auto)
#   VT_BENCH_ALSO_MAKE=1              build upstream modules too (-am); only when nobody else is
#                                     working in the tree, otherwise voicetrack-cache comes from ~/.m2
#   VT_BENCH_INCLUDE=<regex>          which benchmarks (default: all cache benchmarks)
#   VT_BENCH_RESULTS=<file>           JSON results file (default target/jmh/cache-<UTC time>.json)
#   VT_BENCH_RUN_OPTS="<JMH options>" fork and iteration settings (default "-f 1 -wi 3 -w 2s -i 5 -r 2s")
#
# The default settings (one fork, 3 x 2 s warm-up, 5 x 2 s measurement, 14 benchmarks) take about
# five minutes on a 2-core machine. JMH rejects an option given twice, so change them through
# VT_BENCH_RUN_OPTS, not by repeating -i/-r/-wi/-w/-f after the script name. Figures are only
# meaningful on an otherwise idle machine: check the load average first.
set -euo pipefail

# Prints VoiceTrack next to raw Caffeine for each pair voiceTrack<X> / caffeine<X> of a JMH JSON file.
summarize() {
    python3 - "$1" <<'PY'
import json
import re
import sys

with open(sys.argv[1]) as f:
    runs = json.load(f)

# Pair voiceTrack<Suffix> with caffeine<Suffix> within each benchmark class.
rows = {}
for run in runs:
    cls, method = run["benchmark"].rsplit(".", 1)
    m = re.match(r"(voiceTrack|caffeine)(.+)", method)
    if not m:
        continue
    impl, suffix = m.groups()
    pm = run["primaryMetric"]
    params = ",".join(f"{k}={v}" for k, v in sorted((run.get("params") or {}).items()))
    rows.setdefault((cls.rsplit(".", 1)[1], suffix), {}).setdefault(impl, {})[params] = (
        run["mode"], run["threads"], pm["score"], pm["scoreError"], pm["scoreUnit"])

def fmt(score, error):
    if error != error:  # NaN: a single measurement
        error = 0.0
    return f"{score:,.0f} ± {error:,.0f}" if score >= 100 else f"{score:,.2f} ± {error:,.2f}"

header = f"{'benchmark':<60} {'thr':>3}  {'unit':<6} {'VoiceTrack':>26} {'raw Caffeine':>26} {'VT/raw':>7}  {'range':<11}"
print(header)
print("-" * len(header))
below_goal = []
unsure = []
get_pairs = 0
# Every VoiceTrack variant (JMH parameters) is compared with the raw run of the same suffix.
table = []
for (cls, suffix), pair in sorted(rows.items()):
    if "voiceTrack" not in pair or "caffeine" not in pair:
        continue
    raw_run = next(iter(pair["caffeine"].values()))
    for params, vt_run in sorted(pair["voiceTrack"].items(), key=lambda kv: kv[0] != "hotKeyCapacity=64"):
        table.append((cls, suffix, params, vt_run, raw_run))
for cls, suffix, params, vt_run, raw_run in table:
    mode, threads, vt, vt_err, unit = vt_run
    _, _, raw, raw_err, _ = raw_run
    vt_err = 0.0 if vt_err != vt_err else vt_err
    raw_err = 0.0 if raw_err != raw_err else raw_err
    if mode == "thrpt":  # higher is better: VoiceTrack ops/s over raw ops/s
        num, num_err, den, den_err = vt, vt_err, raw, raw_err
    else:  # time per op, lower is better: raw time over VoiceTrack time, i.e. relative speed
        num, num_err, den, den_err = raw, raw_err, vt, vt_err
    ratio = num / den
    lo = max(num - num_err, 0) / (den + den_err)
    hi = f"{(num + num_err) / (den - den_err):.0%}" if den > den_err else "inf"
    name = f"{cls}.{suffix}" + (f" [{params}]" if params else "")
    print(f"{name:<60} {threads:>3}  {unit:<6} {fmt(vt, vt_err):>26} {fmt(raw, raw_err):>26} "
          f"{ratio:>6.0%}  {lo:>4.0%}..{hi:<5}")
    if cls == "GetHitBenchmark" and params in ("", "hotKeyCapacity=64"):  # the goal is for defaults
        get_pairs += 1
        if ratio < 0.5:
            below_goal.append(f"{name} ({ratio:.0%})")
        elif lo < 0.5:
            unsure.append(f"{name} ({ratio:.0%}, error bars reach {lo:.0%})")
print()
print("VT/raw: VoiceTrack's speed as a share of raw Caffeine's (ops/s ratio; for time per op, raw time"
      " / VoiceTrack time). range: the ratio at the ends of both 99.9% error bars.")
if get_pairs:
    if below_goal:
        print("Get-hit goal (>= 50% of raw Caffeine) NOT met: " + ", ".join(below_goal))
    elif unsure:
        print("Get-hit goal (>= 50% of raw Caffeine) met on the means but not beyond the error: "
              + ", ".join(unsure) + "; rerun on an idle machine")
    else:
        print("Get-hit goal (>= 50% of raw Caffeine) met, error bars included.")
PY
}

if [[ "${1:-}" == "--summarize" ]]; then
    [[ $# -eq 2 ]] || { echo "usage: $0 --summarize <results.json>" >&2; exit 2; }
    summarize "$2"
    exit 0
fi

bench_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$bench_dir")"
jar="$bench_dir/target/benchmarks.jar"
include="${VT_BENCH_INCLUDE:-dev\.voicetrack\.bench\.cache\.}"
results="${VT_BENCH_RESULTS:-$bench_dir/target/jmh/cache-$(date -u +%Y%m%dT%H%M%SZ).json}"

needs_build() {
    [[ ! -f "$jar" ]] && return 0
    [[ -n "$(find "$bench_dir/src" "$bench_dir/pom.xml" -newer "$jar" -print -quit)" ]] && return 0
    # A voicetrack-cache re-installed into ~/.m2 after the jar was shaded.
    local m2_cache="${HOME}/.m2/repository/dev/voicetrack/voicetrack-cache"
    [[ -d "$m2_cache" && -n "$(find "$m2_cache" -name '*.jar' -newer "$jar" -print -quit)" ]] && return 0
    return 1
}

case "${VT_BENCH_BUILD:-auto}" in
    always) build=1 ;;
    never) build=0 ;;
    auto) if needs_build; then build=1; else build=0; fi ;;
    *) echo "VT_BENCH_BUILD must be auto, always or never, was '${VT_BENCH_BUILD}'" >&2; exit 2 ;;
esac
if [[ "$build" == 1 ]]; then
    modules=(-pl voicetrack-bench)
    [[ "${VT_BENCH_ALSO_MAKE:-0}" == 1 ]] && modules+=(-am)
    echo ">> (cd $root && ./mvnw -B -q -ntp ${modules[*]} -DskipTests package)"
    (cd "$root" && ./mvnw -B -q -ntp "${modules[@]}" -DskipTests package)
fi
[[ -f "$jar" ]] || { echo "no $jar after the build" >&2; exit 1; }

mkdir -p "$(dirname "$results")"
read -r -a run_opts <<<"${VT_BENCH_RUN_OPTS:--f 1 -wi 3 -w 2s -i 5 -r 2s}"
echo ">> load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
cmd=(java -jar "$jar" "$include" "${run_opts[@]}" -rf json -rff "$results" "$@")
echo ">> ${cmd[*]}"
"${cmd[@]}"

echo
echo "Results: $results (load average after the run: $(cut -d' ' -f1-3 /proc/loadavg))"
summarize "$results"
