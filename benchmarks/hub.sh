#!/usr/bin/env bash
# Side by side against Hugging Face's own client: a real nginx on loopback shaped like the Hub
# (the revision and tree APIs as static JSON; /resolve/ answering LFS files with a 302 carrying
# X-Repo-Commit, X-Linked-Etag and X-Linked-Size to a CDN path capped per connection, and small
# git files with a 200 and their git blob id as ETag), one repository of a few large files and
# many small ones, downloaded into a fresh Hugging Face cache by `hf download` (huggingface_hub,
# installed offline by .ci/python-peers) and by `modelfetch --hf-cache`, tools taking turns.
# Also 200 small files as plain URLs: `modelfetch URL...` against `aria2c -j16 -x16 -i LIST`.
# Reports wall time, peak RSS and the bytes nginx served, to benchmarks/results/hub.md.
#
#   benchmarks/hub.sh         RUNS [3] LARGE [2] LARGE_MIB [128] SMALL [100] RATE [8m] PORT [18480]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
RUNS=${RUNS:-3}
LARGE=${LARGE:-2}
LARGE_MIB=${LARGE_MIB:-128}
SMALL=${SMALL:-100}
URLS=${URLS:-200}
RATE=${RATE:-8m}
PORT=${PORT:-18480}
RESULTS=${RESULTS:-$repo/benchmarks/results}
OUT=${OUT:-/dev/shm/modelfetch-hub}
TIME=/usr/bin/time
COMMIT=0123456789abcdef0123456789abcdef01234567

die() { echo "hub.sh: $*" >&2; exit 1; }
command -v nginx >/dev/null || die "nginx not found (Debian: apt-get install -y nginx-light)"
command -v aria2c >/dev/null || die "aria2c not found (Debian: apt-get install -y aria2)"
[ -x "$TIME" ] || die "GNU time not found (Debian: apt-get install -y time)"
python=$("$repo/.ci/python-peers")
hf="$(dirname "$python")/hf"
[ -x "$hf" ] || die "no hf command in $(dirname "$python")"
"$repo/modelfetch" --version >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/modelfetch-hub.XXXXXX")
site="$work/site"
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work" "$OUT"
}
trap cleanup EXIT

# --- the repository, its API answers and nginx's header maps ----------------------------------
"$python" - "$site" "$LARGE" "$LARGE_MIB" "$SMALL" "$URLS" "$COMMIT" <<'PY'
import hashlib, json, os, random, sys
site, large, large_mib, small, urls, commit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
rng = random.Random(7)
files = [(f"weights/model-{i:05d}-of-{large:05d}.safetensors", large_mib << 20, True) for i in range(1, large + 1)]
files += [(f"tokenizer/part-{i:03d}.json", rng.randint(4 << 10, 64 << 10), False) for i in range(small)]
tree, lfs_map, git_map = [], [], []
for path, size, lfs in files:
    dest = os.path.join(site, "repo", path)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    data = os.urandom(size)
    open(dest, "wb").write(data)
    blob = hashlib.sha1(b"blob %d\0" % size + data).hexdigest()
    entry = {"type": "file", "oid": blob, "size": size, "path": path}
    if lfs:
        sha = hashlib.sha256(data).hexdigest()
        entry["lfs"] = {"oid": sha, "size": size, "pointerSize": 134}
        lfs_map.append(f'  {path} "{sha}";')
    else:
        git_map.append(f'  {path} "{blob}";')
    tree.append(entry)
api = os.path.join(site, "api")
os.makedirs(api, exist_ok=True)
json.dump(tree, open(os.path.join(api, "tree.json"), "w"))
json.dump({"id": "org/bench", "modelId": "org/bench", "sha": commit, "private": False, "gated": False,
           "siblings": [{"rfilename": p} for p, _, _ in files]}, open(os.path.join(api, "revision.json"), "w"))
open(os.path.join(site, "lfs.map"), "w").write("\n".join(lfs_map) + "\n")
open(os.path.join(site, "git.map"), "w").write("\n".join(git_map) + "\n")
os.makedirs(os.path.join(site, "plain"), exist_ok=True)
with open(os.path.join(site, "plain.list"), "w") as listing:
    for i in range(urls):
        name = f"file-{i:03d}.bin"
        open(os.path.join(site, "plain", name), "wb").write(os.urandom(rng.randint(4 << 10, 64 << 10)))
        listing.write(name + "\n")
PY

cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  log_format bytes '\$msec "\$request" \$status \$body_bytes_sent';
  access_log $work/access.log bytes;
  sendfile on; tcp_nopush on; keepalive_requests 10000;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  default_type application/octet-stream;
  map_hash_bucket_size 256;
  map \$p \$lfs_sha { default ""; include $site/lfs.map; }
  map \$p \$git_blob { default ""; include $site/git.map; }
  server {
    listen 127.0.0.1:$PORT;
    etag off;
    location = /api/models/org/bench/revision/main {
      default_type application/json; alias $site/api/revision.json;
    }
    location = /api/models/org/bench/tree/$COMMIT {
      default_type application/json; alias $site/api/tree.json;
    }
    location ~ ^/org/bench/resolve/[^/]+/(?<p>.+)\$ {
      if (\$lfs_sha != "") {
        add_header X-Repo-Commit $COMMIT always;
        add_header X-Linked-Etag "\"\$lfs_sha\"" always;
        add_header X-Linked-Size \$content_length always;
        return 302 http://localhost:$PORT/cdn/\$p;
      }
      add_header X-Repo-Commit $COMMIT always;
      add_header ETag "\"\$git_blob\"" always;
      alias $site/repo/\$p;
    }
    location /cdn/ { alias $site/repo/; limit_rate $RATE; }
    location /plain/ { alias $site/plain/; }
  }
}
CONF
# X-Linked-Size needs the file's size, which nginx knows only when it serves the file: write it in.
"$python" - "$site" "$work/nginx.conf" <<'PY'
import os, sys
site, conf = sys.argv[1], sys.argv[2]
lines = []
for line in open(os.path.join(site, "lfs.map")):
    path = line.split()[0]
    lines.append(f'  {line.split()[0]} "{os.path.getsize(os.path.join(site, "repo", path))}";')
open(os.path.join(site, "size.map"), "w").write("\n".join(lines) + "\n")
text = open(conf).read()
text = text.replace("  map $p $git_blob", "  map $p $lfs_size { default \"\"; include " + site + "/size.map; }\n  map $p $git_blob")
text = text.replace("X-Linked-Size $content_length", "X-Linked-Size $lfs_size")
open(conf, "w").write(text)
PY
chmod -R a+rX "$work"   # nginx's workers run as an unprivileged user
nginx -c "$work/nginx.conf"
sleep 0.3
endpoint="http://127.0.0.1:$PORT"

served() { awk '{ s += $NF } END { print s + 0 }' "$work/access.log"; }
requests() { wc -l < "$work/access.log"; }

total_bytes=$(find "$site/repo" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
plain_bytes=$(find "$site/plain" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
sed "s|^|$endpoint/plain/|" "$site/plain.list" > "$work/plain.urls"

mkdir -p "$RESULTS"
tsv="$work/hub.tsv"
printf 'case\ttool\trun\twall_s\trss_kib\tbytes_served\trequests\tok\n' > "$tsv"

measure() {  # case tool run -- command...
  local kase=$1 tool=$2 run=$3 before_bytes before_requests start end wall rc=0 ok=1 check
  shift 4
  rm -rf "$OUT" && mkdir -p "$OUT"
  before_bytes=$(served); before_requests=$(requests)
  start=$(date +%s%N)
  "$TIME" -f '%M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || rc=$?
  end=$(date +%s%N)
  sleep 0.2  # nginx writes the access log line after the response
  wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f", (e - s) / 1e9 }')
  case "$kase" in
    repo) check=$(cd "$OUT/models--org--bench/snapshots/$COMMIT" 2>/dev/null && find . -type f -o -type l | sort | xargs -r cat | sha256sum | cut -c1-16) || true
          want=$(cd "$site/repo" && find . -type f | sort | xargs cat | sha256sum | cut -c1-16);;
    plain) check=$(cd "$OUT" && sort "$site/plain.list" | xargs -r cat 2>/dev/null | sha256sum | cut -c1-16) || true
           want=$(cd "$site/plain" && sort "$site/plain.list" | xargs cat | sha256sum | cut -c1-16);;
  esac
  if [ "$rc" != 0 ] || [ "$check" != "$want" ]; then
    ok=0
    echo "  $tool ($kase) failed (exit $rc, content ${check:-none} vs $want): $(tail -c 400 "$work/stderr" | tr '\n' ' ')" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kase" "$tool" "$run" "$wall" "$(tail -n 1 "$work/time")" \
    "$(( $(served) - before_bytes ))" "$(( $(requests) - before_requests ))" "$ok" >> "$tsv"
  printf '  %-5s %-11s run %s: %7.2f s  rss %4d MiB  served %s bytes in %s requests%s\n' "$kase" "$tool" "$run" "$wall" \
    "$(( $(tail -n 1 "$work/time") / 1024 ))" "$(( $(served) - before_bytes ))" "$(( $(requests) - before_requests ))" \
    "$([ $ok = 1 ] || echo '  FAILED')" >&2
}

hf_env=(env HF_ENDPOINT="$endpoint" HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_XET=1 HF_HUB_DISABLE_PROGRESS_BARS=1)
echo "repository: $LARGE x $LARGE_MIB MiB LFS (capped at $RATE per connection) + $SMALL small files; $URLS plain small files" >&2
for run in $(seq 1 "$RUNS"); do
  order=(hf modelfetch); [ $((run % 2)) = 0 ] && order=(modelfetch hf)
  for tool in "${order[@]}"; do
    case $tool in
      hf) measure repo "hf download" "$run" -- "${hf_env[@]}" "$hf" download org/bench --cache-dir "$OUT";;
      modelfetch) measure repo modelfetch "$run" -- env HF_ENDPOINT="$endpoint" "$repo/modelfetch" -q --no-sidecars \
        --hf-cache-dir "$OUT" hf://org/bench;;
    esac
  done
  order=(aria2c modelfetch); [ $((run % 2)) = 0 ] && order=(modelfetch aria2c)
  for tool in "${order[@]}"; do
    case $tool in
      aria2c) measure plain aria2c "$run" -- aria2c -q -j16 -x16 -d "$OUT" -i "$work/plain.urls";;
      modelfetch) measure plain modelfetch "$run" -- xargs -a "$work/plain.urls" "$repo/modelfetch" -q -o "$OUT";;
    esac
  done
done

# --- report ---------------------------------------------------------------------------------------
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
column() {  # case tool column-number -> median over ok runs
  awk -F'\t' -v c="$1" -v t="$2" -v k="$3" 'NR > 1 && $1 == c && $2 == t && $8 == 1 { print $k }' "$tsv" | median
}
{
  echo "# Against Hugging Face's own client and aria2c on many files"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') on main $(git -C "$repo" rev-parse --short HEAD), $(nproc) cores,"
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg); median of $RUNS runs, tools taking turns (benchmarks/hub.sh)."
  echo "nginx on loopback shaped like the Hub; the CDN path is capped at $RATE per connection."
  echo
  echo "| case | tool | wall s | peak RSS MiB | bytes served | requests | ok runs |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for row in "repo|hf download" "repo|modelfetch" "plain|aria2c" "plain|modelfetch"; do
    kase=${row%%|*}; tool=${row#*|}
    okruns=$(awk -F'\t' -v c="$kase" -v t="$tool" 'NR > 1 && $1 == c && $2 == t && $8 == 1' "$tsv" | wc -l)
    rss=$(column "$kase" "$tool" 5); [ "$rss" = n/a ] || rss=$(( ${rss%.*} / 1024 ))
    echo "| $kase | $tool | $(column "$kase" "$tool" 4) | $rss | $(column "$kase" "$tool" 6) | $(column "$kase" "$tool" 7) | $okruns/$RUNS |"
  done
  echo
  echo "repo: $LARGE LFS files of $LARGE_MIB MiB + $SMALL files of 4-64 KiB ($total_bytes bytes) into a fresh"
  echo "Hugging Face cache (\`hf download org/bench --cache-dir\`, HF_HUB_DISABLE_XET=1: the origin speaks"
  echo "plain HTTP; \`modelfetch --hf-cache-dir DIR hf://org/bench\`). plain: $URLS files of 4-64 KiB"
  echo "($plain_bytes bytes) as plain URLs (\`aria2c -j16 -x16 -i LIST\`; \`modelfetch URL...\`)."
  echo "Every run's content is checked against the origin's files."
  echo
  echo '```'
  cat "$tsv"
  echo '```'
} > "$RESULTS/hub.md"
cat "$RESULTS/hub.md"
