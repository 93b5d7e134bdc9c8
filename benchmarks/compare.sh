#!/usr/bin/env bash
# Side-by-side: modelfetch against aria2c, axel and curl, downloading from a real nginx on loopback
# (benchmarks/origin.sh) into a tmpfs. Every (case, tool) pair runs RUNS times; within a repetition
# the tools take turns in a rotating order, so machine noise spreads over all of them and the
# ratios mean something even on a busy machine. Prints markdown and writes it, with the raw
# numbers and a chart, to benchmarks/results/.
#
#   benchmarks/compare.sh                 # the full run (about 15 minutes on 2 cores)
#   RUNS=1 FILE=256m.bin SWEEP=0 benchmarks/compare.sh   # a quick look
#
# Environment (defaults in brackets):
#   RUNS [3]            repetitions of the main comparison and of the heap check
#   FILE [1g.bin]       file of the main comparison (1g.bin or 256m.bin)
#   CASES ["http-fast http-slow https-fast https-slow"]
#   TOOLS ["modelfetch modelfetch-aria2 aria2c axel curl"]   tools not installed are left out with a note
#   CONNECTIONS [16]    connections for modelfetch, aria2c and axel (curl has one)
#   CURL_SLOW_RUNS [1]  curl's single stream on /slow/ is the cap by construction (1 GiB = 128 s): runs of it
#   SWEEP [1]           run the connection sweep (modelfetch and aria2c, -x 1 2 4 8 16, /slow/ and /fast/)
#   SWEEP_FILE [256m.bin]  SWEEP_RUNS [1]  SWEEP_CONNECTIONS ["1 2 4 8 16"]
#   HEAP [1]            run the heap check: modelfetch with -Xmx64m on 256m.bin and 1g.bin
#   OUT [/dev/shm/modelfetch-compare]   download folder (a tmpfs, so the disk is not measured)
#   RESULTS [benchmarks/results]        where compare.md, compare.tsv and connections.svg go
#   PORT [18380] RATE [8m] ROOT [/tmp/modelfetch-origin]   passed to origin.sh
#   MODELFETCH_JAVA_OPTS                JVM options for every modelfetch run (read by the ./modelfetch launcher)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
RUNS=${RUNS:-3}
FILE=${FILE:-1g.bin}
CASES=${CASES:-"http-fast http-slow https-fast https-slow"}
TOOLS=${TOOLS:-"modelfetch modelfetch-aria2 aria2c axel curl"}
CONNECTIONS=${CONNECTIONS:-16}
CURL_SLOW_RUNS=${CURL_SLOW_RUNS:-1}
SWEEP=${SWEEP:-1}
SWEEP_FILE=${SWEEP_FILE:-256m.bin}
SWEEP_RUNS=${SWEEP_RUNS:-1}
SWEEP_CONNECTIONS=${SWEEP_CONNECTIONS:-"1 2 4 8 16"}
HEAP=${HEAP:-1}
OUT=${OUT:-/dev/shm/modelfetch-compare}
RESULTS=${RESULTS:-$repo/benchmarks/results}
export PORT=${PORT:-18380} RATE=${RATE:-8m} ROOT=${ROOT:-/tmp/modelfetch-origin}
TIME=/usr/bin/time

die() { echo "compare.sh: $*" >&2; exit 1; }

# --- prerequisites --------------------------------------------------------------------------------
[ -x "$TIME" ] && "$TIME" -f %M true >/dev/null 2>&1 \
  || die "GNU time is needed for CPU and peak RSS (Debian: apt-get install -y time)"
command -v java >/dev/null || die "java not found (a JDK 17+ is needed)"
tools=()
missing=()
for t in $TOOLS; do
  case "$t" in
    modelfetch) tools+=("$t");;
    modelfetch-aria2) if command -v aria2c >/dev/null; then tools+=("$t"); else missing+=("$t"); fi;;
    *) if command -v "$t" >/dev/null; then tools+=("$t"); else missing+=("$t"); fi;;
  esac
done
[ "${tools[0]:-}" = modelfetch ] || die "TOOLS must start with modelfetch (ratios are relative to it)"

echo "building the command line (./modelfetch builds cli/target/modelfetch.jar when stale)..." >&2
"$repo/modelfetch" --version >/dev/null

started_origin=0
if ! "$here/origin.sh" status >/dev/null 2>&1; then
  "$here/origin.sh" start >&2
  started_origin=1
fi
CA="$("$here/origin.sh" ca)"
mkdir -p "$OUT" "$RESULTS"
work="$(mktemp -d "${TMPDIR:-/tmp}/modelfetch-compare.XXXXXX")"
cleanup() {
  rm -rf "$work" "$OUT"
  if [ "$started_origin" = 1 ]; then "$here/origin.sh" stop; fi
}
trap cleanup EXIT

rate_mib=$(echo "$RATE" | awk '/[mM]$/ { print $0 + 0; next } /[kK]$/ { print ($0 + 0) / 1024; next } { print $0 / 1048576 }')
tsv="$RESULTS/compare.tsv.partial"   # written as runs finish, renamed to compare.tsv at the end
printf 'section\tcase\ttool\tconnections\tfile\tbytes\trun\twall_s\tuser_s\tsys_s\trss_kib\tok\n' > "$tsv"

url_for() {  # case file -> URL
  local scheme=${1%%-*} speed=${1##*-}
  if [ "$scheme" = https ]; then echo "https://127.0.0.1:$((PORT + 1))/$speed/$2"; else echo "http://127.0.0.1:$PORT/$speed/$2"; fi
}

command_for() {  # tool connections url target-dir -> fills the array cmd
  local tool=$1 n=$2 url=$3 dir=$4 name=${3##*/}
  case "$tool" in
  modelfetch)
    # the launcher users run (it execs java -jar cli/target/modelfetch.jar with MODELFETCH_JAVA_OPTS)
    cmd=("$repo/modelfetch" -q --backend jdk --no-sidecars -x "$n" -o "$dir" "$url")
    if [[ $url == https:* ]]; then cmd+=(--ca-file "$CA"); fi;;
  modelfetch-aria2)
    # the library driving a real aria2c daemon (the aria2 backend), for choosing what `auto` prefers
    cmd=("$repo/modelfetch" -q --backend aria2 --no-sidecars -x "$n" -o "$dir" "$url")
    if [[ $url == https:* ]]; then cmd+=(--ca-file "$CA"); fi;;
  aria2c)
    cmd=(aria2c -q -x "$n" -s "$n" -k1M -d "$dir" -o "$name" --allow-overwrite=true --auto-file-renaming=false "$url")
    if [[ $url == https:* ]]; then cmd+=(--ca-certificate="$CA"); fi;;
  axel)
    # axel has no CA option, and with SSL_CERT_FILE its own host name check still rejects the
    # origin's certificate: over https it runs without verification (-k)
    cmd=(axel -q -n "$n" -o "$dir/$name" "$url")
    if [[ $url == https:* ]]; then cmd+=(-k); fi;;
  curl)
    cmd=(curl -sS --fail -o "$dir/$name" "$url")
    if [[ $url == https:* ]]; then cmd+=(--cacert "$CA"); fi;;
  *) die "unknown tool $tool";;
  esac
}

# Runs one download and appends a row to the TSV. The file is checked (its size, then every byte
# against the origin's with cmp, after the timed window: a run that saved a wrong byte is a failed
# run, not a fast one) and deleted, so every run downloads everything.
measure() {  # section case tool connections file run
  local section=$1 kase=$2 tool=$3 n=$4 file=$5 run=$6
  local url dir bytes start end wall ok=1 rc=0
  url=$(url_for "$kase" "$file")
  dir="$OUT/$tool"
  rm -rf "$dir" && mkdir -p "$dir"
  bytes=$(stat -c %s "$ROOT/$file")
  command_for "$tool" "$n" "$url" "$dir"
  start=$(date +%s%N)
  "$TIME" -f '%U %S %M' -o "$work/time" "${cmd[@]}" >"$work/stdout" 2>"$work/stderr" || rc=$?
  end=$(date +%s%N)
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }')
  if [ "$rc" != 0 ] || [ "$(stat -c %s "$dir/$file" 2>/dev/null || echo 0)" != "$bytes" ]; then
    ok=0
    echo "  $tool on $url failed (exit $rc): $(tail -c 300 "$work/stderr" | tr '\n' ' ')" >&2
  elif ! cmp -s "$dir/$file" "$ROOT/$file"; then
    ok=0
    echo "  $tool on $url: downloaded bytes differ from the origin's file" >&2
  fi
  read -r user sys rss < <(tail -n 1 "$work/time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$kase" "$tool" "$n" "$file" "$bytes" "$run" \
    "$wall" "$user" "$sys" "$rss" "$ok" >> "$tsv"
  printf '  %-6s %-10s %-10s x%-2s run %s: %7.1f MiB/s  cpu %5.2f s  rss %4d MiB%s\n' "$section" "$kase" "$tool" "$n" "$run" \
    "$(awk -v b="$bytes" -v w="$wall" 'BEGIN { print b / 1048576 / w }')" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" \
    "$((rss / 1024))" "$([ "$ok" = 1 ] || echo '  FAILED')" >&2
  rm -rf "$dir"
}

# The most heap in use at any point a GC log shows, in MiB: before each collection ("Pause Young
# ... 40M->6M(64M)") and at exit (the collectors' "used NNNK" lines; a short run may not collect).
heap_peak() {
  awk '
    { while (match($0, /[0-9]+M->[0-9]+M\([0-9]+M\)/)) { v = substr($0, RSTART, RLENGTH) + 0; if (v > peak) peak = v; $0 = substr($0, RSTART + RLENGTH) } }
    /(garbage-first heap|def new generation|tenured generation|PSYoungGen|ParOldGen|ZHeap|Shenandoah).*used [0-9]+K/ {
      match($0, /used [0-9]+K/); exit_used += substr($0, RSTART + 5, RLENGTH - 6) / 1024
    }
    END { if (exit_used > peak) peak = exit_used; printf "%.0f\n", peak }' "$1"
}

rotated() {  # offset items... -> the items, starting at offset (mod count)
  local k=$1; shift
  local items=("$@") i
  for ((i = 0; i < ${#items[@]}; i++)); do echo "${items[(i + k) % ${#items[@]}]}"; done
}

uptime_before=$(uptime)
stamp=$(date '+%Y-%m-%d %H:%M %Z')
echo "modelfetch compare, $stamp; load: ${uptime_before##*load average: }" >&2

# --- main comparison: all tools, CONNECTIONS connections, alternating ---------------------------------
for ((run = 1; run <= RUNS; run++)); do
  for kase in $CASES; do
    for tool in $(rotated $((run - 1)) "${tools[@]}"); do
      if [ "$tool" = curl ] && [[ $kase == *-slow ]] && [ "$run" -gt "$CURL_SLOW_RUNS" ]; then continue; fi
      n=$CONNECTIONS; [ "$tool" = curl ] && n=1
      measure main "$kase" "$tool" "$n" "$FILE" "$run"
    done
  done
done

# --- connection sweep: modelfetch and aria2c at 1..16 connections ---------------------------------
sweep_tools=()
for t in modelfetch aria2c; do [[ " ${tools[*]} " == *" $t "* ]] && sweep_tools+=("$t"); done
if [ "$SWEEP" = 1 ]; then
  for ((run = 1; run <= SWEEP_RUNS; run++)); do
    for kase in http-slow http-fast; do
      for n in $SWEEP_CONNECTIONS; do
        for tool in $(rotated $((run + n)) "${sweep_tools[@]}"); do
          measure sweep "$kase" "$tool" "$n" "$SWEEP_FILE" "$run"
        done
      done
    done
  done
fi

# --- heap: a 64 MiB heap must do, and RSS must not grow with the file ---------------------------------
if [ "$HEAP" = 1 ]; then
  saved_opts=${MODELFETCH_JAVA_OPTS:-}
  for ((run = 1; run <= RUNS; run++)); do
    for file in 256m.bin 1g.bin; do
      export MODELFETCH_JAVA_OPTS="$saved_opts -Xmx64m -Xlog:gc,gc+heap+exit:file=$work/gc-$file-$run.log"
      measure heap http-fast modelfetch "$CONNECTIONS" "$file" "$run"
      heap_peak "$work/gc-$file-$run.log" > "$work/heap-$file-$run"
    done
  done
  MODELFETCH_JAVA_OPTS=$saved_opts
  for f in "$work"/heap-*; do printf '%s\t%s\n' "${f##*/heap-}" "$(cat "$f")"; done > "$work/heap.tsv"
fi
uptime_after=$(uptime)

# --- report ---------------------------------------------------------------------------------------
report="$work/compare.md"
{
  echo "## modelfetch vs aria2c, axel, curl — $stamp"
  echo
  echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
    "$(java -version 2>&1 | head -n 1); nginx $(nginx -v 2>&1 | sed 's|.*/||');" \
    "$(for t in "${tools[@]}"; do case $t in aria2c) aria2c --version | head -n 1;; axel) axel --version | head -n 1;; curl) curl --version | head -n 1 | cut -d' ' -f1-2;; esac; done | paste -sd ',' - | sed 's/,/, /g')."
  echo "Load average before: ${uptime_before##*load average: }; after: ${uptime_after##*load average: }."
  echo "modelfetch runs through ./modelfetch (JVM options there: \`$(grep -m1 '^opts=' "$repo/modelfetch" || echo 'none found')\`; MODELFETCH_JAVA_OPTS: \`${MODELFETCH_JAVA_OPTS:-none}\`)."
  echo "Origin: nginx on loopback, /slow/ capped at $RATE per connection (ceiling $((CONNECTIONS * ${rate_mib%.*})) MiB/s at $CONNECTIONS connections); files written to $OUT (tmpfs)."
  echo "Each number is the median of the runs; throughput is the file size over the whole process's wall time (JVM start included),"
  echo "CPU is user+sys of the process, RSS its peak (GNU time). \"vs modelfetch\" is the tool's throughput (CPU) divided by modelfetch's."
  [ "${#missing[@]}" -gt 0 ] && echo "Not installed, left out: ${missing[*]}."
  echo
  echo "Reproduce: \`RUNS=$RUNS FILE=$FILE benchmarks/compare.sh\`"
  echo
  awk -F'\t' -v gib=1073741824 '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR > 1 && $1 == "main" {
      key = $2 SUBSEP $3
      if (!(key in seen)) { seen[key] = 1; order[++count] = key }
      conns[key] = $4; runs[key]++
      if ($12 != 1) { failed[key]++; next }
      speed[key] = speed[key] " " ($6 / 1048576 / $8)
      cpu[key] = cpu[key] " " (($9 + $10) / ($6 / gib))
      rss[key] = rss[key] " " ($11 / 1024)
    }
    END {
      print "| case | tool | conns | runs | MiB/s | CPU s/GiB | peak RSS MiB | speed vs modelfetch | CPU vs modelfetch |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= count; i++) {
        split(order[i], k, SUBSEP)
        if (speed[order[i]] == "") { printf "| %s | %s | %s | %d | failed | | | | |\n", k[1], k[2], conns[order[i]], runs[order[i]]; continue }
        s = median(speed[order[i]]); c = median(cpu[order[i]]); r = median(rss[order[i]])
        base = k[1] SUBSEP "modelfetch"
        bs = speed[base] == "" ? 0 : median(speed[base]); bc = speed[base] == "" ? 0 : median(cpu[base])
        note = failed[order[i]] ? " (" failed[order[i]] " failed)" : ""
        printf "| %s | %s | %s | %d%s | %.0f | %.2f | %.0f | %s | %s |\n", k[1], k[2], conns[order[i]], runs[order[i]], note, s, c, r,
          bs ? sprintf("%.2fx", s / bs) : "-", bc ? sprintf("%.2fx", c / bc) : "-"
      }
    }' "$tsv"
  echo
  echo "### Targets"
  echo
  awk -F'\t' -v ceiling="$((CONNECTIONS * ${rate_mib%.*}))" -v conns="$CONNECTIONS" '
    function median(list,   n, a, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function m(list) { return list == "" ? 0 : median(list) }
    function verdict(ok) { return ok ? "**met**" : "**not met**" }
    NR > 1 && $1 == "main" && $12 == 1 {
      speed[$2, $3] = speed[$2, $3] " " ($6 / 1048576 / $8); cpu[$2, $3] = cpu[$2, $3] " " (($9 + $10) / ($6 / 1073741824))
    }
    END {
      ms = m(speed["http-slow", "modelfetch"]); as = m(speed["http-slow", "aria2c"])
      if (ms && as) printf "- Capped origin, %d connections: modelfetch %.0f MiB/s = %.0f%% of the %d MiB/s ceiling (target >= 95%%: %s); aria2c %.0f MiB/s (target >= aria2c: %s).\n", conns, ms, 100 * ms / ceiling, ceiling, verdict(ms >= 0.95 * ceiling), as, verdict(ms >= as)
      mf = m(speed["http-fast", "modelfetch"]); af = m(speed["http-fast", "aria2c"]); cf = m(speed["http-fast", "curl"])
      if (mf && af) printf "- Full-speed loopback: modelfetch %.0f MiB/s, aria2c %.0f MiB/s (target >= aria2c: %s)", mf, af, verdict(mf >= af)
      if (mf && cf) printf "; curl %.0f MiB/s, curl/modelfetch = %.2f (target <= 1.3: %s)", cf, cf / mf, verdict(cf / mf <= 1.3)
      if (mf && af) printf ".\n"
      split("http-fast http-slow https-fast https-slow", cases, " ")
      for (i = 1; i <= 4; i++) {
        mc = m(cpu[cases[i], "modelfetch"]); ac = m(cpu[cases[i], "aria2c"])
        if (mc && ac) printf "- CPU per GiB, %s: modelfetch %.2f s, aria2c %.2f s, ratio %.2f (target <= 1.5: %s).\n", cases[i], mc, ac, mc / ac, verdict(mc / ac <= 1.5)
      }
    }' "$tsv"
  if [ "$HEAP" = 1 ]; then
    echo
    echo "### Heap: modelfetch with \`-Xmx64m\`, /fast/, $CONNECTIONS connections"
    echo
    echo "| file | runs | succeeded | MiB/s | peak RSS MiB | most heap in use (GC log), MiB |"
    echo "|---|---:|---:|---:|---:|---:|"
    awk -F'\t' '
      function median(list,   n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      FILENAME ~ /heap.tsv$/ { split($1, p, "-"); f = p[1]; if ($2 > heap[f]) heap[f] = $2; next }
      FNR > 1 && $1 == "heap" {
        if (!($5 in runs)) order[++count] = $5
        runs[$5]++
        if ($12 == 1) { ok[$5]++; speed[$5] = speed[$5] " " ($6 / 1048576 / $8); rss[$5] = rss[$5] " " ($11 / 1024) }
      }
      END {
        for (i = 1; i <= count; i++) {
          f = order[i]
          printf "| %s | %d | %d | %s | %s | %s |\n", f, runs[f], ok[f], speed[f] == "" ? "-" : sprintf("%.0f", median(speed[f])),
            rss[f] == "" ? "-" : sprintf("%.0f", median(rss[f])), heap[f] == "" ? "-" : heap[f]
        }
        small = order[1]; large = order[count]
        if (count == 2 && ok[small] == runs[small] && ok[large] == runs[large]) {
          # flat: 4x the bytes may not take more than 25% (or 4 MiB) more heap
          printf "\nHeap flat in file size: every run succeeded with -Xmx64m; most heap in use %d MiB for %s vs %d MiB for %s (**%s**); peak RSS %.0f vs %.0f MiB.\n",
            heap[small], small, heap[large], large, heap[large] <= heap[small] * 1.25 || heap[large] <= heap[small] + 4 ? "met" : "not met",
            median(rss[small]), median(rss[large])
        } else {
          print "\nHeap flat in file size: **not met** (a run with -Xmx64m failed)"
        }
      }' "$work/heap.tsv" "$tsv"
  fi
  if [ "$SWEEP" = 1 ]; then
    echo
    echo "### Connections sweep ($SWEEP_FILE, median of $SWEEP_RUNS, MiB/s)"
    echo
    awk -F'\t' -v conns_list="$SWEEP_CONNECTIONS" '
      function median(list,   n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      }
      NR > 1 && $1 == "sweep" {
        if (!(($2, $3) in seen)) { seen[$2, $3] = 1; series[++count] = $2 SUBSEP $3 }
        if ($12 == 1) speed[$2, $3, $4] = speed[$2, $3, $4] " " ($6 / 1048576 / $8)
      }
      END {
        n = split(conns_list, cs, " ")
        printf "| case | tool |"; for (j = 1; j <= n; j++) printf " x%s |", cs[j]; print ""
        printf "|---|---|"; for (j = 1; j <= n; j++) printf "---:|"; print ""
        for (i = 1; i <= count; i++) {
          split(series[i], k, SUBSEP); printf "| %s | %s |", k[1], k[2]
          for (j = 1; j <= n; j++) { l = speed[k[1], k[2], cs[j]]; printf " %s |", l == "" ? "-" : sprintf("%.0f", median(l)) }
          print ""
        }
      }' "$tsv"
    echo
    echo "Chart: \`benchmarks/results/connections.svg\`"
  fi
} > "$report"

mv "$tsv" "$RESULTS/compare.tsv"
tsv="$RESULTS/compare.tsv"
cp "$report" "$RESULTS/compare.md"
if [ "$SWEEP" = 1 ]; then
  "$here/chart.sh" "$tsv" "$rate_mib" "$SWEEP_FILE" "$stamp" > "$RESULTS/connections.svg"
fi
cat "$report"
echo >&2
echo "written: $RESULTS/compare.md, $RESULTS/compare.tsv$([ "$SWEEP" = 1 ] && echo ", $RESULTS/connections.svg")" >&2
