# Sourced by the tools' scripts: starts tools/fake_server.py on a free 127.0.0.1 port for the life
# of the calling script (it stops when the script exits, as its stdin closes) and sets
# TEST_SERVER_BASE (http://127.0.0.1:PORT). Usage: start_test_server [fake_server.py options...]
start_test_server() {
  local dir
  dir=$(mktemp -d)
  mkfifo "$dir/stdin"
  python3 "$(dirname "${BASH_SOURCE[0]}")/fake_server.py" "$@" < "$dir/stdin" > "$dir/port" &
  TEST_SERVER_PID=$!
  exec 9> "$dir/stdin" # the server lives while this descriptor is open
  for _ in $(seq 100); do grep -q PORT "$dir/port" 2>/dev/null && break; sleep 0.1; done
  TEST_SERVER_BASE="http://127.0.0.1:$(cut -d' ' -f2 "$dir/port")"
  rm -rf "$dir"
  export TEST_SERVER_BASE TEST_SERVER_PID
}

# --endpoint options sending every remote service of the verifier to the test server.
service_endpoints() {
  local host
  for host in t.co cdn.syndication.twimg.com publish.twitter.com web.archive.org api.x.com www.example-news.test \
    public.api.bsky.app; do
    printf -- '--endpoint\n%s=%s\n' "$host" "$TEST_SERVER_BASE"
  done
}
