#!/usr/bin/env bash
# Runs the level reward sync load run (dev.voicetrack.bench.jda.RewardSyncLoad): the start-up reward sync of a
# guild of 10,000 members through real JDA and the Discord emulator at Discord's default rate limits, with ticks
# over 10,000 members in voice running back to back before and during it.
#
# Usage: voicetrack-bench/run-reward-sync-load.sh [drifted members]   (default 30; each costs about 1 s, as
# Discord allows 10 role changes per 10 s per guild)
# Figures are only meaningful on an otherwise idle machine: check the load average first.
set -euo pipefail
cd "$(dirname "$0")/.."
# builds voicetrack-jda, the emulator and core from this checkout too (-am), so nothing needs installing
./mvnw -B -q -ntp -o -pl voicetrack-bench -am -DskipTests package
exec java -cp voicetrack-bench/target/benchmarks.jar dev.voicetrack.bench.jda.RewardSyncLoad "$@"
