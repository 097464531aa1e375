#!/usr/bin/env python3
"""mkwav.py OUT RATE CHANNELS - writes 2 s of a WAVE_FORMAT_EXTENSIBLE PCM
16-bit WAV for dpxplay's test: 440 Hz in the left channel, 660 Hz in the
right (so a player that starts at the wrong byte, off by a sample, plays
660 Hz on the left), with an odd-sized LIST chunk (and its pad byte)
between fmt and data and an id3 chunk after the data."""
import math
import struct
import sys

out, rate, ch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def sample(freq, i):
    return struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))


pcm = b"".join(sample(440, i) + (sample(660, i) if ch == 2 else b"") for i in range(2 * rate))
pcm_guid = struct.pack("<IHH", 1, 0, 0x10) + bytes([0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
fmt = struct.pack("<HHIIHHHHI", 0xFFFE, ch, rate, rate * ch * 2, ch * 2, 16, 22, 16, 3 if ch == 2 else 4)
info = b"INFO" + b"ICMT" + struct.pack("<I", 5) + b"dpx!\0"


def chunk(cid, body):
    return cid + struct.pack("<I", len(body)) + body + (b"\0" if len(body) & 1 else b"")


riff = b"WAVE" + chunk(b"fmt ", fmt + pcm_guid) + chunk(b"LIST", info) + chunk(b"data", pcm) + chunk(b"id3 ", b"\xff" * 64)
with open(out, "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", len(riff)) + riff)
