#!/usr/bin/env bash
# A real HTTP origin for the side-by-side comparison (compare.sh): nginx on loopback.
#   http://127.0.0.1:$PORT/fast/<file>     full speed
#   http://127.0.0.1:$PORT/slow/<file>     capped at $RATE per connection, like a CDN
#   https://127.0.0.1:$((PORT+1))/...      the same over TLS; its CA certificate is printed by `origin.sh ca`
# Files in $ROOT: 1g.bin and 256m.bin (random bytes), made on first start.
# Usage: origin.sh start|stop|ca|status     env: PORT (18380), ROOT (/tmp/modelfetch-origin), RATE (8m)
# Needs nginx (Debian: apt-get install -y nginx-light) and openssl.
set -euo pipefail
PORT=${PORT:-18380}
ROOT=${ROOT:-/tmp/modelfetch-origin}
RATE=${RATE:-8m}
RUN=${TMPDIR:-/tmp}/modelfetch-bench-nginx-$PORT

make_file() {  # name size-in-MiB; written aside and renamed, so a concurrent reader never sees half a file
  local name=$1 mib=$2
  [ -f "$ROOT/$name" ] && return 0
  head -c $((mib * 1024 * 1024)) /dev/urandom > "$ROOT/.$name.$$"
  mv "$ROOT/.$name.$$" "$ROOT/$name"
}

make_certificates() {  # a throwaway CA and a certificate for localhost/127.0.0.1 signed by it
  [ -f "$RUN/server.pem" ] && return 0
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$RUN/ca.key" -out "$RUN/ca.pem" -days 3650 \
    -subj "/CN=modelfetch benchmark CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$RUN/server.key" -out "$RUN/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf "subjectAltName=DNS:localhost,IP:127.0.0.1\n" > "$RUN/ext.cnf"
  openssl x509 -req -in "$RUN/server.csr" -CA "$RUN/ca.pem" -CAkey "$RUN/ca.key" -CAcreateserial \
    -out "$RUN/server.pem" -days 3650 -extfile "$RUN/ext.cnf" 2>/dev/null
}

running() {
  [ -f "$RUN/nginx.pid" ] && kill -0 "$(cat "$RUN/nginx.pid")" 2>/dev/null
}

case "${1:-start}" in
start)
  command -v nginx >/dev/null || { echo "origin.sh: nginx not found (Debian: apt-get install -y nginx-light)" >&2; exit 1; }
  command -v openssl >/dev/null || { echo "origin.sh: openssl not found (Debian: apt-get install -y openssl)" >&2; exit 1; }
  mkdir -p "$ROOT" "$RUN"
  make_file 256m.bin 256
  make_file 1g.bin 1024
  make_certificates
  if running; then
    echo "origin: already running on port $PORT"
    exit 0
  fi
  # sendfile and a generous keepalive_requests, as a CDN edge would serve; limit_rate is per request;
  # TLS 1.3 as CDNs negotiate it (nginx before 1.23.4 offers only up to 1.2 unless told)
  cat > "$RUN/nginx.conf" <<CONF
worker_processes 2;
pid $RUN/nginx.pid;
error_log $RUN/error.log warn;
events { worker_connections 1024; }
http {
  log_format bytes '\$msec \$request_time \$connection \$remote_addr "\$request" \$status \$body_bytes_sent "\$http_range" "\$http_user_agent" \$ssl_protocol \$ssl_session_reused';
  access_log $RUN/access.log bytes;
  sendfile on; tcp_nopush on; keepalive_requests 10000;
  client_body_temp_path $RUN/body; proxy_temp_path $RUN/proxy;
  fastcgi_temp_path $RUN/fcgi; uwsgi_temp_path $RUN/uwsgi; scgi_temp_path $RUN/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$PORT;
    location /fast/ { alias $ROOT/; }
    location /slow/ { alias $ROOT/; limit_rate $RATE; }
  }
  server {
    listen 127.0.0.1:$((PORT + 1)) ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate $RUN/server.pem; ssl_certificate_key $RUN/server.key;
    location /fast/ { alias $ROOT/; }
    location /slow/ { alias $ROOT/; limit_rate $RATE; }
  }
}
CONF
  nginx -c "$RUN/nginx.conf"
  echo "origin: http://127.0.0.1:$PORT/{fast,slow}/{1g.bin,256m.bin} (slow: $RATE per connection)"
  echo "        https://127.0.0.1:$((PORT + 1))/... (CA: $RUN/ca.pem); log: $RUN/access.log";;
stop)
  if running; then
    kill "$(cat "$RUN/nginx.pid")"
  fi;;
ca)
  echo "$RUN/ca.pem";;
status)
  if running; then echo "running (port $PORT)"; else echo "stopped"; exit 1; fi;;
*)
  echo "usage: origin.sh start|stop|ca|status" >&2
  exit 2;;
esac
