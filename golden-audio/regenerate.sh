#!/usr/bin/env bash
# Regenerates golden-audio/inputs from sources we control: MIDI written by scripts/make_inputs.py, rendered with
# fluidsynth and Debian's TimGM6mb General MIDI soundfont. Needs: python3, fluidsynth, timgm6mb-soundfont, sox.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sf2=/usr/share/sounds/sf2/TimGM6mb.sf2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$here/scripts/make_inputs.py" "$work"
synth() { # name seconds: MIDI -> 44.1 kHz stereo float WAV in the work folder, trimmed
  fluidsynth -ni -q -g 0.6 -r 44100 -F "$work/$1.raw.wav" "$sf2" "$work/$1.mid" >/dev/null
  sox "$work/$1.raw.wav" "$work/$1.wav" trim 0 "$2"
}
render() { # name seconds: as synth, then a 16-bit FLAC input with its truth file
  synth "$1" "$2"
  sox "$work/$1.wav" -b 16 "$here/inputs/$1.flac"
  [ ! -f "$work/$1.truth.json" ] || cp "$work/$1.truth.json" "$here/inputs/$1.truth.json"
}
mkdir -p "$here/inputs"
render demo 16
render melody 10
render chords 16
# Separator truth: the stems are rendered apart and mixed sample for sample (no normalisation), so mix = drums + pad.
synth drums 17
synth pad 17
sox "$work/drums.wav" -b 16 "$here/inputs/stem-drums.flac"
sox "$work/pad.wav" -b 16 "$here/inputs/stem-pad.flac"
sox -m -v 1 "$here/inputs/stem-drums.flac" -v 1 "$here/inputs/stem-pad.flac" -b 16 "$here/inputs/stem-mix.flac"
for tempo in 90 100 120 128 140 174; do render "band$tempo" 12; done
echo "regenerated $(ls "$here/inputs" | wc -l) files in golden-audio/inputs"
