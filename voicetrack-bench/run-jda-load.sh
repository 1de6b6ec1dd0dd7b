#!/usr/bin/env bash
# Runs the JDA load run (dev.voicetrack.bench.jda.StatsRoundTripLoad): /stats round trips through real JDA and
# the Discord emulator with 10,000 stored members (p50/p99/max), and the longest time the adapter holds a JDA
# event thread while ticks over 10,000 members in voice run back to back.
#
# Usage: voicetrack-bench/run-jda-load.sh [warm-up invocations] [measured invocations]   (default 500 3000)
# Figures are only meaningful on an otherwise idle machine: check the load average first.
set -euo pipefail
cd "$(dirname "$0")/.."
# voicetrack-jda and the emulator come from ~/.m2 (install them first if they changed)
./mvnw -B -q -ntp -pl voicetrack-bench -DskipTests package
exec java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.jda.StatsRoundTripLoad "$@"
