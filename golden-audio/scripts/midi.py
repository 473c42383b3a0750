"""A minimal Standard MIDI File writer (format 1), so golden inputs come from sources we control.

The MIDI file fixes the truth (tempo, beat times, notes, chords) that the analyzers are checked against.
"""
import struct


def _vlq(value):
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


class Track:
    def __init__(self):
        self.events = []  # (tick, order, bytes)

    def tempo(self, tick, bpm):
        us = int(round(60_000_000 / bpm))
        self.events.append((tick, 0, b"\xff\x51\x03" + us.to_bytes(3, "big")))

    def time_signature(self, tick, num, den_pow2):
        self.events.append((tick, 0, bytes([0xFF, 0x58, 0x04, num, den_pow2, 24, 8])))

    def program(self, tick, channel, program):
        self.events.append((tick, 1, bytes([0xC0 | channel, program])))

    def note(self, tick, length, channel, pitch, velocity=100):
        self.events.append((tick, 3, bytes([0x90 | channel, pitch, velocity])))
        self.events.append((tick + length, 2, bytes([0x80 | channel, pitch, 0])))

    def encode(self):
        data = bytearray()
        now = 0
        for tick, _, payload in sorted(self.events, key=lambda e: (e[0], e[1])):
            data += _vlq(tick - now) + payload
            now = tick
        data += b"\x00\xff\x2f\x00"
        return b"MTrk" + struct.pack(">I", len(data)) + bytes(data)


def write(path, tracks, ticks_per_quarter=480):
    with open(path, "wb") as f:
        f.write(b"MThd" + struct.pack(">IHHH", 6, 1, len(tracks), ticks_per_quarter))
        for t in tracks:
            f.write(t.encode())
