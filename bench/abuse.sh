#!/usr/bin/env bash
# Issue 15's probe, repeatable: starts coophub (embedded SQLite in a temporary
# folder, no sample), sends each hostile document REPEAT times (and a few
# harmless ones as controls), and prints per shape how many were refused and
# with what, the median and worst time of an answer, and the server's resident
# memory before and after each shape (from /metrics).
#
#   bash bench/abuse.sh [REPEAT]        (default 50; needs curl and python3)
#
# COOPHUB_BIN picks the binary (default: the release build, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT="${1:-50}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="${COOPHUB_BIN:-$TARGET/release/coophub}"
[ -x "$BIN" ] || cargo build --release --quiet
PORT="${PORT:-5679}"
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

DATABASE_URL="sqlite://$WORK/abuse.sqlite?mode=rwc" COOPHUB_BIND="127.0.0.1:$PORT" \
  COOPHUB_SEED_SAMPLE=false COOPHUB_BUDGET_ANONYMOUS=1e12 COOPHUB_BUDGET_ANONYMOUS_RATE=1e12 \
  "$BIN" serve >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$PORT/ready" >/dev/null && break; sleep 1; done

python3 - "$PORT" "$REPEAT" <<'PY'
import json, statistics, sys, time, urllib.request

port, repeat = sys.argv[1], int(sys.argv[2])
url = f"http://127.0.0.1:{port}/graphql"

def chain(levels, fan=10):
    q = f"query {{ ...W{levels} }} fragment W0 on QueryRoot {{ __typename }}"
    for l in range(1, levels + 1):
        q += f" fragment W{l} on QueryRoot {{ {' '.join([f'...W{l-1}'] * fan)} }}"
    return q

fan = " ".join(f"a{i}: __typename" for i in range(10))
shapes = [
    ("fragment chain 10^7 (678 B)", chain(7)),
    ("fragment chain 10^8", chain(8)),
    ("fragment chain 10^40", chain(40)),
    ("alias fan 4 x 10 through a fragment", f"{{ ...F ...F ...F ...F }} fragment F on QueryRoot {{ {fan} }}"),
    ("5,000 unused variables", "query(" + " ".join(f"$v{i}: Int" for i in range(5000)) + ") { __typename }"),
    ("control: fragment chain 10^3 (answered)", chain(3)),
    ("control: { __typename }", "{ __typename }"),
]

def rss():
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    for line in text.splitlines():
        if line.startswith("coophub_resident_memory_bytes "):
            return int(float(line.split()[1]))
    return 0

def send(q):
    req = urllib.request.Request(url, data=json.dumps({"query": q}).encode(),
                                 headers={"content-type": "application/json"})
    t = time.perf_counter()
    try:
        body = urllib.request.urlopen(req).read()
    except urllib.error.HTTPError as e:
        body = e.read()
    return time.perf_counter() - t, json.loads(body)

before = rss()
print(f"{'shape':<42} {'sent':>5} {'refused':>8} {'with':<18} {'p50 ms':>8} {'max ms':>8} {'bytes':>7} {'RSS MiB':>8}")
tried = refused_total = 0
for name, q in shapes:
    times, refused, why, size = [], 0, set(), 0
    for _ in range(repeat):
        dt, body = send(q)
        times.append(dt * 1000)
        size = len(json.dumps(body))
        if "data" not in body:
            refused += 1
            e = body["errors"][0].get("extensions", {})
            why.add(e.get("limit") or e.get("code"))
    tried += repeat
    refused_total += refused
    print(f"{name:<42} {repeat:>5} {refused:>8} {','.join(sorted(why)) or '-':<18} "
          f"{statistics.median(times):>8.2f} {max(times):>8.2f} {size:>7} {rss()/2**20:>8.1f}")
after = rss()
print(f"requests: {tried}, refused: {refused_total}")
print(f"resident memory: {before/2**20:.1f} MiB before, {after/2**20:.1f} MiB after")
PY
