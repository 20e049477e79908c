"""Melodies as sound, MIDI files and pictures (Day 25), with NumPy and the standard library only.

Notes are ``(pitch, steps)`` pairs as in :mod:`course.music.chorales`: MIDI pitch (0 for a rest),
length in sixteenths. ``step_seconds`` is the length of a sixteenth (0.125 s: a quarter note lasts
half a second, 120 beats a minute).
"""
from __future__ import annotations

import struct

import numpy as np

STEP_SECONDS = 0.125
ATTACK, RELEASE, AMPLITUDE = 0.01, 0.05, 0.5


def midi_to_hz(pitch):
    """The frequency of a MIDI pitch: 440 Hz for 69 (the A above middle C), times 2^(1/12) a semitone."""
    return 440.0 * 2.0 ** ((np.asarray(pitch, dtype=float) - 69) / 12)


def envelope(n: int, sample_rate: int, attack: float = ATTACK, release: float = RELEASE):
    """A note's loudness over its ``n`` samples: from 0 up to 1 linearly over ``attack`` seconds,
    1, then down to 0 over the last ``release`` seconds: ``min(1, t / attack, (d - t) / release)``
    with ``t = i / sample_rate`` and ``d = n / sample_rate``."""
    t = np.arange(n) / sample_rate
    d = n / sample_rate
    return np.clip(np.minimum(np.minimum(1.0, t / attack), (d - t) / release), 0.0, 1.0)


def synthesise(notes, sample_rate: int = 16000, step_seconds: float = STEP_SECONDS,
               amplitude: float = AMPLITUDE):
    """A melody as a waveform: each note a sine at ``midi_to_hz(pitch)`` over
    ``round(steps * step_seconds * sample_rate)`` samples, starting at phase 0, times
    ``amplitude * envelope(n, sample_rate)``; a rest is that many zeros. (Reference for Day 25's
    last exercise.)

    Returns: a float64 array (num_samples,) in [-amplitude, amplitude].
    """
    pieces = [np.zeros(0)]
    for pitch, steps in notes:
        n = int(round(steps * step_seconds * sample_rate))
        if pitch == 0:
            pieces.append(np.zeros(n))
            continue
        t = np.arange(n) / sample_rate
        pieces.append(amplitude * envelope(n, sample_rate) * np.sin(2 * np.pi * midi_to_hz(pitch) * t))
    return np.concatenate(pieces)


def _var_int(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def midi_bytes(notes, step_seconds: float = STEP_SECONDS, velocity: int = 80, program: int = 0) -> bytes:
    """A one-track standard MIDI file (format 0) playing ``notes`` on ``program`` (0: piano)."""
    ticks_per_quarter = 480
    ticks_per_step = ticks_per_quarter // 4
    tempo = int(round(step_seconds * 4 * 1_000_000))  # microseconds per quarter note
    events = bytearray(b"\x00\xff\x51\x03" + tempo.to_bytes(3, "big") + b"\x00\xc0" + bytes([program]))
    wait = 0
    for pitch, steps in notes:
        if pitch == 0:
            wait += steps * ticks_per_step
            continue
        events += _var_int(wait) + bytes([0x90, pitch, velocity])
        events += _var_int(steps * ticks_per_step) + bytes([0x80, pitch, 0])
        wait = 0
    events += _var_int(wait) + b"\xff\x2f\x00"
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, ticks_per_quarter)
    return header + b"MTrk" + struct.pack(">I", len(events)) + bytes(events)


def write_midi(notes, path, step_seconds: float = STEP_SECONDS):
    """Write ``notes`` as a standard MIDI file at ``path``; returns the path."""
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(midi_bytes(notes, step_seconds))
    return path


def piano_roll(notes, ax=None, title: str = "", color="tab:blue"):
    """Draw ``notes`` as a piano roll: one bar per note, time (in quarter notes) across, pitch up."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3))
    starts = np.cumsum([0] + [steps for _, steps in notes])
    t = int(starts[-1])
    pitches = [pitch for pitch, _ in notes if pitch]
    sounding = [(pitch, start, steps) for (pitch, steps), start in zip(notes, starts) if pitch]
    if sounding:  # one call for all the bars: fast for long melodies
        p, s, d = np.array(sounding, dtype=float).T
        ax.barh(p, d / 4, left=s / 4, height=0.8, color=color)
    names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
    if pitches:
        lo, hi = min(pitches) - 1, max(pitches) + 1
        ticks = [p for p in range(lo, hi + 1) if p % 12 in (0, 4, 7)]
        ax.set_yticks(ticks, [f"{names[p % 12]}{p // 12 - 1}" for p in ticks])
        ax.set_ylim(lo - 0.5, hi + 0.5)
    ax.set_xlim(0, max(t / 4, 1))
    ax.set_xlabel("time (quarter notes)")
    ax.set_ylabel("pitch")
    ax.grid(True, alpha=0.3)
    if title:
        ax.set_title(title)
    return ax
