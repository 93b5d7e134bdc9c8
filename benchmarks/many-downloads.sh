#!/usr/bin/env bash
# 20 concurrent 256 MiB downloads through one Downloads (modelfetch) against 20 parallel aria2c
# processes, from the real nginx origin (../shared/bench/origin.sh) capped at RATE per connection.
# Reports wall time, total MiB/s, peak RSS (modelfetch: the JVM; aria2c: the sum of the processes'
# peaks) and peak threads. Usage: benchmarks/many-downloads.sh  env: COUNT (20), RATE (8m),
# DIR (/dev/shm), RUNNING CONNECTIONS PER_HOST (modelfetch's limits; default 20 320 320, as many
# connections as 20 aria2c -x16 open), ORIGIN (path of origin.sh). Build first:
#   ./mvnw -B -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-20}; RATE=${RATE:-8m}; DIR=${DIR:-/dev/shm}
RUNNING=${RUNNING:-20}; CONNECTIONS=${CONNECTIONS:-320}; PER_HOST=${PER_HOST:-320}
ORIGIN=${ORIGIN:-../shared/bench/origin.sh}
[ -x "$ORIGIN" ] || ORIGIN=/work/shared/bench/origin.sh
# never the lead's benchmark ports (18080/18081): a free even port in 20000-29998
while :; do PORT=$(( (RANDOM % 5000) * 2 + 20000 )); ! (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && \
  ! (exec 3<>/dev/tcp/127.0.0.1/$((PORT+1))) 2>/dev/null && break; done
export PORT RATE
"$ORIGIN" start >/dev/null
trap '"$ORIGIN" stop' EXIT
URL="http://127.0.0.1:$PORT/slow/256m.bin"
SHA=$(sha256sum "${ROOT:-/tmp/modelfetch-origin}/256m.bin" | cut -d' ' -f1)   # both tools verify every copy
WORK=$(mktemp -d "$DIR/many-downloads-XXXX"); trap '"$ORIGIN" stop; rm -rf "$WORK"' EXIT

echo "load: $(cut -d' ' -f1-3 /proc/loadavg); $COUNT x 256 MiB from $URL (capped $RATE per connection)"
/usr/bin/time -f "modelfetch peak RSS %M KiB" java -cp benchmarks/target/benchmarks.jar \
  io.modelfetch.benchmarks.ManyDownloads "$URL" "$COUNT" "$WORK/mf" "$RUNNING" "$CONNECTIONS" "$PER_HOST" "$SHA" 2>&1 \
  | grep -v '^\[' 
rm -rf "$WORK/mf"

start=$(date +%s.%N); pids=(); peak_threads=0
for i in $(seq 1 "$COUNT"); do
  /usr/bin/time -f "%M" -o "$WORK/rss.$i" aria2c -q -x16 -s16 -k1M --file-allocation=none \
    --allow-overwrite=true --checksum=sha-256="$SHA" -d "$WORK/a2/$i" "$URL" & pids+=($!)
done
while :; do
  t=0; for p in $(pgrep -x aria2c || true); do t=$((t + $(awk '/^Threads/{print $2}' /proc/$p/status 2>/dev/null || echo 0))); done
  [ "$t" -gt "$peak_threads" ] && peak_threads=$t
  alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ "$alive" = 1 ] || break; sleep 0.2
done
failed=0; for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
end=$(date +%s.%N)
[ "$failed" = 0 ] || echo "aria2c: $failed downloads failed" >&2
rss=$(cat "$WORK"/rss.* | awk '{s+=$1} END {print s}')
bytes=$(du -sb "$WORK/a2" | cut -f1)
awk -v b="$bytes" -v s="$start" -v e="$end" -v r="$rss" -v t="$peak_threads" -v n="$COUNT" 'BEGIN {
  printf "aria2c: %d processes, %.1f MiB in %.2f s = %.1f MiB/s, peak RSS (sum) %d KiB, peak threads (sum) %d\n",
    n, b/1048576, e-s, b/1048576/(e-s), r, t }'
