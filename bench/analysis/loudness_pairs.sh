#!/usr/bin/env bash
# Where loudness time goes, on the bench tracks: ours and ffmpeg's ebur128 (with and without true peak) alternating with
# decoding alone — ffmpeg's (libavformat + libavcodec, `-f null` without a filter), libsndfile's (libvorbis;
# decode_only.c) and the package's libauralis_decode.so (libavcodec; what ours reads Ogg Vorbis with) — best of N
# (default 5) whole processes on one core. Needs ./build.sh package, gcc, wesnoth-1.16-music.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
app=artifacts/package/auralis-1.0.0/auralis
[ -x "$app" ] || { echo "no package: run ./build.sh package" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/decode_only" bench/analysis/decode_only.c -l:libsndfile.so.1 -ldl
music=/usr/share/games/wesnoth/1.16/data/core/music
names=("auralis analyze --plugins loudness" "ffmpeg ebur128 (no true peak)" "ffmpeg ebur128=peak=true" \
       "ffmpeg decoding alone" "libsndfile decoding alone" "libauralis_decode decoding alone")
printf '| track | %s |\n|---|---|---|---|---|---|---|\n' "$(IFS='|'; echo "${names[*]}" | sed 's/|/ | /g')"
for track in loyalists northerners breaking_the_chains; do
  src=$music/$track.ogg
  commands=("$app analyze $src --plugins loudness --json $work/a.json"
            "ffmpeg -nostats -i $src -af ebur128 -f null -"
            "ffmpeg -nostats -i $src -af ebur128=peak=true -f null -"
            "ffmpeg -nostats -i $src -f null -"
            "$work/decode_only $src"
            "$work/decode_only --shim $(dirname "$app")/libauralis_decode.so $src")
  best=()
  for _ in $(seq "$runs"); do
    for i in "${!commands[@]}"; do
      start=$(date +%s%N)
      # A command that fails would time as fast: stop and name it, with what it printed.
      if ! AURALIS_PLUGIN_SCAN=off taskset -c 0 ${commands[$i]} >/dev/null 2>"$work/stderr"; then
        echo "loudness_pairs: '${commands[$i]}' failed: $(tail -c 500 "$work/stderr")" >&2
        exit 1
      fi
      ms=$(( ($(date +%s%N) - start) / 1000000 ))
      if [ -z "${best[$i]:-}" ] || [ "$ms" -lt "${best[$i]}" ]; then best[$i]=$ms; fi
    done
  done
  printf '| %s | %s ms | %s ms | %s ms | %s ms | %s ms | %s ms |\n' "$track" "${best[@]}"
done
