#!/usr/bin/env bash
# Regenerates golden-audio/inputs from sources we control: MIDI written by scripts/make_inputs.py, rendered with
# fluidsynth and Debian's TimGM6mb General MIDI soundfont. Needs: python3, fluidsynth, timgm6mb-soundfont, sox.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sf2=/usr/share/sounds/sf2/TimGM6mb.sf2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/scripts/make_inputs.py" "$work"
render() { # name: MIDI -> 44.1 kHz stereo, 16-bit FLAC, trimmed to the given seconds
  fluidsynth -ni -q -g 0.6 -r 44100 -F "$work/$1.wav" "$sf2" "$work/$1.mid" >/dev/null
  sox "$work/$1.wav" -b 16 "$here/inputs/$1.flac" trim 0 "$2"
  cp "$work/$1.truth.json" "$here/inputs/$1.truth.json"
}
mkdir -p "$here/inputs"
render demo 16
echo "regenerated $(ls "$here/inputs" | wc -l) files in golden-audio/inputs"
