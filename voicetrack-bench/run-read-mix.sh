#!/usr/bin/env bash
# Runs issue 21's read-mix load run (dev.voicetrack.bench.storage.ReadMixLoadRun): 100 guilds x 1,000 members in
# voice, ticks every 5 s, a few leaderboard, rank and member reads per guild per second; prints the share of reads
# served from memory and p50/p99/max read latency: without refresh-ahead ("before"), with refresh-ahead only
# ("refresh"), and with the defaults, refresh-ahead and guild snapshots ("after").
#
# Usage: voicetrack-bench/run-read-mix.sh [sqlite|postgres|both] [before|refresh|after|both|all] [seconds warm-up reads/s guilds members interval]
#   (default: both both; each configuration takes about 2 minutes with the default 75 s measured)
# Environment: VT_BENCH_BUILD=never to reuse target/benchmarks.jar. Figures are only meaningful on an otherwise
# idle machine: check the load average first (it is printed with each configuration).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${VT_BENCH_BUILD:-auto}" != never ]]; then
    ./mvnw -B -q -o -pl voicetrack-bench -am -DskipTests package
fi
if [[ $# -eq 0 ]]; then
    set -- both both
fi
exec java -Xmx1g -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.storage.ReadMixLoadRun "$@"
