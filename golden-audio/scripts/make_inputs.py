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


def melody(out_dir):
    """A monophonic flute melody (pitch truth): 16 notes of a quarter note at 100 BPM, C4..C6, short gaps between."""
    bpm = 100.0
    conductor, lead = midi.Track(), midi.Track()
    conductor.tempo(0, bpm)
    lead.program(0, 0, 73)  # Flute
    pitches = [60, 64, 67, 72, 71, 69, 67, 65, 64, 62, 60, 67, 76, 79, 84, 72]
    notes = []
    for i, p in enumerate(pitches):
        start, length = i * TPQ, TPQ - 60
        lead.note(start, length, 0, p, 96)
        notes.append({"start_s": start / TPQ * 60 / bpm, "end_s": (start + length) / TPQ * 60 / bpm, "midi": p,
                      "hz": 440.0 * 2 ** ((p - 69) / 12)})
    midi.write(os.path.join(out_dir, "melody.mid"), [conductor, lead], TPQ)
    with open(os.path.join(out_dir, "melody.truth.json"), "w") as f:
        json.dump({"bpm": bpm, "notes": notes}, f, indent=1)


CHORDS = [("C", [60, 64, 67]), ("F", [53, 57, 60]), ("G", [55, 59, 62]), ("Am", [57, 60, 64]),
          ("Dm", [50, 53, 57]), ("E", [52, 56, 59]), ("Bb", [58, 62, 65]), ("Eb", [51, 55, 58])]


def chords(out_dir):
    """Sustained piano triads, two seconds each (chroma truth)."""
    bpm = 120.0
    conductor, keys = midi.Track(), midi.Track()
    conductor.tempo(0, bpm)
    keys.program(0, 0, 0)  # Acoustic grand piano
    truth = []
    for i, (name, notes) in enumerate(CHORDS):
        start = i * 4 * TPQ
        for n in notes + [notes[0] - 12]:
            keys.note(start, 4 * TPQ - 40, 0, n, 90)
        truth.append({"start_s": start / TPQ * 60 / bpm, "end_s": (start + 4 * TPQ) / TPQ * 60 / bpm, "chord": name,
                      "pitch_classes": sorted({n % 12 for n in notes})})
    midi.write(os.path.join(out_dir, "chords.mid"), [conductor, keys], TPQ)
    with open(os.path.join(out_dir, "chords.truth.json"), "w") as f:
        json.dump({"chords": truth}, f, indent=1)


def stems(out_dir):
    """A drum stem and a pad stem of the same 8 bars at 110 BPM, rendered apart (separator truth; mixed by regenerate.sh)."""
    bpm = 110.0
    conductor, drums = midi.Track(), midi.Track()
    conductor.tempo(0, bpm)
    for bar in range(8):
        for eighth in range(8):
            t = bar * 4 * TPQ + eighth * TPQ // 2
            drums.note(t, TPQ // 4, 9, 42, 80)                        # closed hi-hat
            if eighth in (0, 4):
                drums.note(t, TPQ // 4, 9, 36, 115)                   # kick
            if eighth in (2, 6):
                drums.note(t, TPQ // 4, 9, 38, 110)                   # snare
    midi.write(os.path.join(out_dir, "drums.mid"), [conductor, drums], TPQ)
    conductor2, pad = midi.Track(), midi.Track()
    conductor2.tempo(0, bpm)
    pad.program(0, 0, 89)  # Pad 2 (warm)
    for bar in range(8):
        _, notes = CHORDS[bar % 4]
        for n in notes:
            pad.note(bar * 4 * TPQ, 4 * TPQ - 10, 0, n, 85)
    midi.write(os.path.join(out_dir, "pad.mid"), [conductor2, pad], TPQ)


def band(out_dir, bpm):
    """Drums, bass and chords for 8 bars at a given tempo (tempo and beat truth)."""
    conductor, drums, bass, keys = midi.Track(), midi.Track(), midi.Track(), midi.Track()
    conductor.tempo(0, bpm)
    conductor.time_signature(0, 4, 2)
    bass.program(0, 1, 33)
    keys.program(0, 2, 4)  # Electric piano
    bars = 8 if bpm < 150 else 12
    for bar in range(bars):
        _, notes = CHORDS[bar % 4]
        for beat in range(4):
            t = bar * 4 * TPQ + beat * TPQ
            drums.note(t, TPQ // 4, 9, 36 if beat % 2 == 0 else 38, 112)
            drums.note(t, TPQ // 4, 9, 42, 75)
            drums.note(t + TPQ // 2, TPQ // 4, 9, 42, 60)
            bass.note(t, TPQ // 2, 1, notes[0] - 24, 95)
        for n in notes:
            keys.note(bar * 4 * TPQ + TPQ // 2, TPQ, 2, n, 70)
            keys.note(bar * 4 * TPQ + 5 * TPQ // 2, TPQ, 2, n, 70)
    name = f"band{int(bpm)}"
    midi.write(os.path.join(out_dir, name + ".mid"), [conductor, drums, bass, keys], TPQ)
    with open(os.path.join(out_dir, name + ".truth.json"), "w") as f:
        json.dump({"bpm": bpm, "beats_s": [b * 60 / bpm for b in range(bars * 4)]}, f, indent=1)


BAND_TEMPI = [90, 100, 120, 128, 140, 174]

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    demo(out)
    melody(out)
    chords(out)
    stems(out)
    for tempo in BAND_TEMPI:
        band(out, float(tempo))
