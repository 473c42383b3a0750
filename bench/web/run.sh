#!/usr/bin/env bash
# Web player benchmark (not a test): time from play to the first enhanced audio with the fingerprint cached and not,
# chunk rendering speed as × realtime, and the server's memory while 8 clients stream at once. Peers measured in the
# same run: rendering a 15 s chunk before the first sound (what the system Auralis descends from did), and ffmpeg's
# loudnorm (EBU R128 normalisation with a true-peak limit) over the same track.
#
#   ./build.sh build && bench/web/run.sh [TRACK]      (default: the golden demo repeated to 3:12)
#
# Prints a markdown table; docs/web.md holds one run's.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/music"
if [ $# -ge 1 ]; then
  cp "$1" "$work/music/"
else
  demo=golden-audio/inputs/demo.flac
  sox $demo $demo $demo $demo $demo $demo $demo $demo $demo $demo $demo $demo "$work/music/track.flac"
fi
track=$(ls "$work/music")
seconds=$(soxi -D "$work/music/$track")

start_server() { # data dir
  ./auralis serve --library "$work/music" --port 0 --data-dir "$1" > "$work/serve.out" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    url=$(sed -n 's/^auralis: serving .* at \(http:[^ ]*\)$/\1/p' "$work/serve.out")
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$work/serve.out"; exit 1; }
  until curl -sf "${url}api/library" | grep -q '"scanning":false,"files_found":1,"files_done":1'; do sleep 0.1; done
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$server/status"; }
first_audio() { # url -> seconds until the first byte of the chunk
  curl -s -o /dev/null -w '%{time_starttransfer}' "$1"
}

# 1. Uncached: a fresh library database; the first enhanced chunk waits for the fingerprint.
start_server "$work/data"
id=$(curl -s "${url}api/library" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tracks"][0]["id"])')
chunks=$(curl -s "${url}api/tracks/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stream"]["chunks"])')
uncached=$(first_audio "${url}api/tracks/$id/chunks/enhanced/0")
stop_server

# 2. Cached fingerprint (a new server process: no chunk is in memory): play from the start, and switch mid-track.
start_server "$work/data"
idle_rss=$(rss_kb)
cached=$(first_audio "${url}api/tracks/$id/chunks/enhanced/0")
mid=$((chunks / 2))
switch=$(first_audio "${url}api/tracks/$id/chunks/enhanced/$mid")
original=$(first_audio "${url}api/tracks/$id/chunks/original/0")

# 3. Rendering speed: the server's own render time of every enhanced chunk (pre-roll included).
render_ms=0
for k in $(seq 0 $((chunks - 1))); do
  ms=$(curl -s -D - -o /dev/null "${url}api/tracks/$id/chunks/enhanced/$k" | tr -d '\r' | sed -n 's/^X-Auralis-Render-Ms: //p')
  render_ms=$(python3 -c "print($render_ms + ${ms:-0})")
done
stop_server

# 4. Memory: 8 clients stream the whole track at once (4 original, 4 enhanced), on a server with an empty chunk cache.
start_server "$work/data"
before_rss=$(rss_kb)
pids=()
for c in 1 2 3 4 5 6 7 8; do
  variant=$([ $((c % 2)) = 0 ] && echo enhanced || echo original)
  ( for k in $(seq 0 $((chunks - 1))); do curl -s -o /dev/null "${url}api/tracks/$id/chunks/$variant/$k"; done ) &
  pids+=($!)
done
peak_rss=$before_rss
while kill -0 "${pids[@]}" 2>/dev/null; do
  r=$(rss_kb); [ "$r" -gt "$peak_rss" ] && peak_rss=$r
  sleep 0.05
done
wait "${pids[@]}" || true
hwm=$(hwm_kb)
stop_server

# Peers, same run: a 15 s chunk rendered before the first sound (our enhancer, and ffmpeg loudnorm), and loudnorm
# over the whole track.
sox "$work/music/$track" "$work/first15.wav" trim 0 15
timed() { /usr/bin/time -f '%e' -o "$work/elapsed" "$@" > /dev/null 2>&1; cat "$work/elapsed"; }
t15=$(timed ./auralis process "$work/first15.wav" "$work/first15-out.wav" --chain enhancer)
t15ff=$(timed ffmpeg -nostdin -v error -i "$work/first15.wav" -af loudnorm=I=-14:TP=-1 -f wav -y /dev/null)
tff=$(timed ffmpeg -nostdin -v error -i "$work/music/$track" -af loudnorm=I=-14:TP=-1 -f wav -y /dev/null)

python3 - "$seconds" "$chunks" "$uncached" "$cached" "$switch" "$original" "$render_ms" "$idle_rss" "$before_rss" "$peak_rss" "$hwm" "$t15" "$t15ff" "$tff" <<'PY'
import sys
(seconds, chunks, uncached, cached, switch, original, render_ms, idle, before, peak, hwm, t15, t15ff, tff) = map(float, sys.argv[1:])
print(f"Track: {seconds:.1f} s, {int(chunks)} chunks of 2 s. One run, this machine (2 cores).\n")
print("| measure | Auralis | peer (same run) | ratio |")
print("|---|---|---|---|")
print(f"| play → first enhanced audio, fingerprint cached | {cached*1000:.0f} ms | 15 s chunk before sound: {t15*1000:.0f} ms (enhancer, whole process) | {t15/cached:.1f}× sooner |")
print(f"| play → first enhanced audio, fingerprint not cached | {uncached*1000:.0f} ms | — | — |")
print(f"| switch to Enhanced mid-track (3 s pre-roll) | {switch*1000:.0f} ms | — | — |")
print(f"| play → first original audio | {original*1000:.0f} ms | — | — |")
print(f"| enhanced chunk rendering, pre-roll included | {seconds/(render_ms/1000):.0f}× realtime | ffmpeg loudnorm, whole track: {seconds/tff:.0f}× realtime | {(seconds/(render_ms/1000))/(seconds/tff):.1f}× |")
print(f"| 15 s chunk, ffmpeg loudnorm (the old way's peer) | — | {t15ff*1000:.0f} ms | — |")
print(f"| server memory: idle / 8 streams peak (RSS) | {idle/1024:.0f} MB / {peak/1024:.0f} MB (high-water {hwm/1024:.0f} MB) | — | {peak/max(idle,1):.1f}× idle |")
PY
