#!/usr/bin/env bash
# Compares two builds of the benchmarks jar in one run: each benchmark below runs base, head, base,
# head (one fork each, 3 x 1 s warm-up, 5 x 1 s), so drifting machine load hits both alike; prints
# the mean score of each side and head/base.
#
# Usage: voicetrack-bench/run-side-by-side.sh BASE_JAR HEAD_JAR
#   Build BASE_JAR from the earlier commit in a worktree:
#     git worktree add /tmp/base <commit> && (cd /tmp/base && ./mvnw -o -q -pl voicetrack-bench -am package -DskipTests)
#     -> /tmp/base/voicetrack-bench/target/benchmarks.jar
#   and HEAD_JAR the same way from this checkout. Results (JMH JSON) go to $OUT (default
#   voicetrack-bench/target/side-by-side-<UTC time>). About 20 minutes on a 2-core machine; the
#   figures mean something only on an otherwise idle machine.
set -uo pipefail
[ $# -eq 2 ] || { sed -n 2,12p "$0"; exit 2; }
BASE_JAR=$(realpath "$1"); HEAD_JAR=$(realpath "$2")
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=${OUT:-$ROOT/voicetrack-bench/target/side-by-side-$(date -u +%Y%m%dT%H%M)}; mkdir -p "$OUT"
BENCHES=(
  'cache.GetHitBenchmark.(caffeine|voiceTrack)Get1Thread'
  'cache.PutWithTagsBenchmark.voiceTrackPut1Thread'
  'cache.InvalidateByTagBenchmark'
  'core.ApplyBenchmark.apply'
  'core.TickBenchmark.tick'
  'storage.JsonTickBenchmark.applyTick'
  'storage.SqliteTickBenchmark.(storeTick|plainJdbcTick)'
  'redis.RedisCacheBenchmark.(raw|voiceTrack)(Get|Set|Put)1Thread'
  'redis.RedisCacheBenchmark.(rawGet|voiceTrackGet)50Threads'
  'redis.TwoTierHitBenchmark.(inProcess|twoTier)Get1Thread'
)
for b in "${BENCHES[@]}"; do
  for round in 1 2; do
    for side in base head; do
      f="$OUT/$(echo "$b" | tr -c 'A-Za-z0-9' _)-$side-$round.json"
      jar=$BASE_JAR; [ "$side" = head ] && jar=$HEAD_JAR
      java -jar "$jar" "dev.voicetrack.bench.$b" -f 1 -wi 3 -w 1s -i 5 -r 1s \
        -rf json -rff "$f" > "$f.log" 2>&1 || echo "FAILED $side $b (see $f.log)"
    done
  done
done
python3 - "$OUT" <<'PY'
import json, glob, os, sys, collections
d = sys.argv[1]
acc = collections.defaultdict(lambda: collections.defaultdict(list))
for p in glob.glob(os.path.join(d, '*.json')):
    side = 'base' if '-base-' in p else 'head'
    try:
        rows = json.load(open(p))
    except Exception:
        continue
    for r in rows:
        name = r['benchmark'].replace('dev.voicetrack.bench.', '')
        if r.get('params'):
            name += str(r['params'])
        m = r['primaryMetric']
        acc[name][side].append((m['score'], m['scoreUnit'], r['mode']))
print(f"{'benchmark':75} {'base':>16} {'head':>16} {'head/base':>9}")
for name in sorted(acc):
    b, h = acc[name]['base'], acc[name]['head']
    if not b or not h:
        print(name, 'missing', len(b), len(h)); continue
    bs = sum(x[0] for x in b) / len(b); hs = sum(x[0] for x in h) / len(h)
    unit = b[0][1]
    print(f"{name:75} {bs:12.3f} {unit:>3} {hs:12.3f} {unit:>3} {hs/bs:9.3f}")
PY
