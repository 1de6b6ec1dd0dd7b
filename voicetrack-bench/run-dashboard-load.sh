#!/usr/bin/env bash
# Runs the dashboard load run (dev.voicetrack.bench.dashboard.DashboardLoadRun): fills a SQLite database with one
# 1,000,000-member guild, starts the bot on it against the Discord emulator, weighs the leaderboard page with its
# assets, and hits the page and its JSON routes with N concurrent clients (p50/p99/max per route).
#
# Usage: voicetrack-bench/run-dashboard-load.sh [clients] [requests]   (default 8 20000)
# Figures are only meaningful on an otherwise idle machine: check the load average first.
set -euo pipefail
cd "$(dirname "$0")/.."
# builds the bench jar with the modules it needs from this checkout (nothing is installed into ~/.m2)
./mvnw -B -q -o -pl voicetrack-bench -am -DskipTests -Djacoco.skip=true package
exec java -Xmx2g -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.dashboard.DashboardLoadRun "$@"
