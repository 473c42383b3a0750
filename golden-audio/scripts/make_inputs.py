#!/usr/bin/env python3
"""Writes the MIDI sources of the golden inputs and a JSON truth file for each.

Usage: make_inputs.py OUT_DIR
Each piece: OUT_DIR/<name>.mid and OUT_DIR/<name>.truth.json (tempo, beat times, notes, chords).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import midi  # noqa: E402

TPQ = 480
NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def demo(out_dir):
    """The bundled demo: 8 bars at 120 BPM of pad chords, bass, melody and drums (C - Am - F - G)."""
    bpm, bars = 120.0, 8
    conductor, pad, bass, lead, drums = (midi.Track() for _ in range(5))
    conductor.tempo(0, bpm)
    conductor.time_signature(0, 4, 2)
    pad.program(0, 0, 89)    # Pad 2 (warm)
    bass.program(0, 1, 33)   # Electric bass (finger)
    lead.program(0, 2, 73)   # Flute
    chords = [("C", [60, 64, 67]), ("Am", [57, 60, 64]), ("F", [53, 57, 60]), ("G", [55, 59, 62])]
    melody = [72, 76, 79, 76, 72, 76, 81, 79, 77, 76, 74, 72, 74, 71, 67, 71]
    truth_chords = []
    for bar in range(bars):
        name, notes = chords[bar % 4]
        start = bar * 4 * TPQ
        truth_chords.append({"start_s": start / TPQ * 60 / bpm, "end_s": (start + 4 * TPQ) / TPQ * 60 / bpm, "chord": name,
                             "pitch_classes": sorted({n % 12 for n in notes})})
        for n in notes:
            pad.note(start, 4 * TPQ - 10, 0, n, 70)
        for beat in range(4):
            bass.note(start + beat * TPQ, TPQ - 40, 1, notes[0] - 24, 90)
        for k in range(4):
            lead.note(start + k * TPQ, TPQ - 20, 2, melody[(bar * 4 + k) % len(melody)], 80)
        for beat in range(4):
            t = start + beat * TPQ
            drums.note(t, TPQ // 4, 9, 36 if beat % 2 == 0 else 38, 110)   # kick / snare
            drums.note(t, TPQ // 4, 9, 42, 70)                              # closed hi-hat
            drums.note(t + TPQ // 2, TPQ // 4, 9, 42, 60)
    midi.write(os.path.join(out_dir, "demo.mid"), [conductor, pad, bass, lead, drums], TPQ)
    beats = [b * 60 / bpm for b in range(bars * 4)]
    with open(os.path.join(out_dir, "demo.truth.json"), "w") as f:
        json.dump({"bpm": bpm, "beats_s": beats, "chords": truth_chords}, f, indent=1)


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    demo(out)
