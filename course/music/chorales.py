"""Bach chorale melodies as note sequences (Day 25).

A melody is a list of notes ``(pitch, steps)``: ``pitch`` the MIDI number (60 is middle C, 69 the A
at 440 Hz; 0 stands for a rest) and ``steps`` the length in sixteenth notes (a quarter note is 4).
Each melody is the **soprano** part of one of the chorales in ``music21``'s corpus
(``music21.corpus.chorales.Iterator``), with ties merged, transposed by the smallest interval
(-6 to +5 semitones) that takes its key, as ``music21``'s ``analyze("key")`` finds it, to C major
or A minor.

Parsing all ~370 chorales with ``music21`` takes over a minute, so the course ships the result in
``course/data/chorales.csv`` (made by ``python -m course.music.chorales``, whose header says how);
``tests/course/music/test_chorales.py`` regenerates a few of them from ``music21`` and compares.

A token is the string ``"pitch:steps"`` (``"67:4"``: the G above middle C for a quarter note);
every sequence of token ids starts with ``START`` and ends with ``END``.
"""
from __future__ import annotations

import csv
from pathlib import Path

from ..errors import CourseError

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "chorales.csv"
START, END, PAD = "<start>", "<end>", "<pad>"
REST = 0


class Music21Missing(CourseError, ModuleNotFoundError):
    """music21 is not installed."""


def require_music21():
    """Import and return ``music21``, or stop with a sentence saying how to install it."""
    try:
        import music21
    except ModuleNotFoundError:
        raise Music21Missing("Today's chorales come from music21's corpus, which is not installed: "
                             "run `pip install music21` (or `%pip install music21` in a notebook "
                             "cell), then restart the kernel.") from None
    return music21


def chorale_names() -> list[str]:
    """The corpus names of music21's Bach chorales (``"bach/bwv269"``, ...), in the corpus' order."""
    m21 = require_music21()
    return list(m21.corpus.chorales.Iterator(returnType="filename"))


def transposition(key) -> int:
    """Semitones (-6 to +5) that take a music21 ``Key`` to C major (major) or A minor (minor)."""
    target = 0 if key.mode == "major" else 9  # pitch classes of C and A
    shift = (target - key.tonic.pitchClass) % 12
    return shift - 12 if shift > 5 else shift


def part_notes(part, shift: int = 0) -> list[tuple[int, int]]:
    """The notes of a music21 part as ``(pitch, steps)`` pairs, ties merged, rests as pitch 0,
    pitches moved by ``shift`` semitones. A chord counts as its top note; grace notes (no length)
    are left out. Raises ValueError for a length that is not a whole number of sixteenths."""
    notes = []
    for n in part.stripTies().flatten().notesAndRests:
        steps = float(n.quarterLength) * 4
        if steps == 0:
            continue
        if steps != int(steps):
            raise ValueError(f"a note of {n.quarterLength} quarter notes is not a whole number of "
                             "sixteenths")
        if n.isRest:
            pitch = REST
        elif n.isChord:
            pitch = max(p.midi for p in n.pitches) + shift
        else:
            pitch = n.pitch.midi + shift
        if notes and pitch == REST and notes[-1][0] == REST:  # two rests in a row: one rest
            notes[-1] = (REST, notes[-1][1] + int(steps))
        else:
            notes.append((pitch, int(steps)))
    return notes


def parse_chorale(name: str):
    """Parse one chorale with music21 and return ``(notes, mode, shift)``: its soprano melody
    transposed to C major / A minor, ``"major"`` or ``"minor"``, and the semitones it was moved by.
    Returns None for a chorale without a part named Soprano."""
    m21 = require_music21()
    score = m21.corpus.parse(name)
    soprano = [p for p in score.parts if "soprano" in f"{p.id} {p.partName}".lower()]
    if not soprano:
        return None
    key = score.analyze("key")
    shift = transposition(key)
    return part_notes(soprano[0], shift), key.mode, shift


def format_notes(notes) -> str:
    """Notes as the text stored in the data file: ``"67:4 69:2 ..."``."""
    return " ".join(f"{p}:{s}" for p, s in notes)


def parse_notes(text: str) -> list[tuple[int, int]]:
    """The inverse of :func:`format_notes`."""
    return [tuple(int(v) for v in token.split(":")) for token in text.split()]


def load_chorales(path=None) -> list[dict]:
    """The shipped melodies: a list of dicts with "name" (music21's corpus name), "mode" and
    "shift" (see :func:`parse_chorale`) and "notes" (a list of ``(pitch, steps)``)."""
    path = Path(path) if path is not None else DATA_FILE
    if not path.exists():
        raise CourseError(f"The chorale file {path} is missing: reinstall the course, or rebuild it "
                          "with `python -m course.music.chorales` (needs music21, about 2 minutes).")
    with open(path, newline="", encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        return [{"name": r["name"], "mode": r["mode"], "shift": int(r["shift"]),
                 "notes": parse_notes(r["notes"])} for r in rows]


def build_vocab(melodies) -> list[str]:
    """The vocabulary: ``PAD`` (id 0), ``START``, ``END``, then every ``"pitch:steps"`` token that
    occurs in ``melodies`` (lists of notes), sorted by pitch then length."""
    notes = sorted({(int(p), int(s)) for melody in melodies for p, s in melody})
    return [PAD, START, END] + [f"{p}:{s}" for p, s in notes]


def token_note(token: str):
    """The ``(pitch, steps)`` of a token, or None for PAD, START, END."""
    if token in (PAD, START, END):
        return None
    p, s = token.split(":")
    return int(p), int(s)


def notes_to_tokens(notes, stoi) -> list[int]:
    """Token ids of a melody: ``stoi[START]``, then ``stoi["pitch:steps"]`` for each note, then
    ``stoi[END]``. (Reference for Day 25's first exercise.)"""
    return [stoi[START]] + [stoi[f"{p}:{s}"] for p, s in notes] + [stoi[END]]


def split_by_chorale(num: int, val_fraction: float = 0.2, seed: int = 0):
    """Indices of a random split of ``num`` melodies into training and validation melodies (whole
    melodies, never notes: a note's neighbours are in the same set). Returns (train, val) lists."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(num)
    n_val = max(1, int(round(num * val_fraction)))
    return sorted(order[n_val:].tolist()), sorted(order[:n_val].tolist())


def bigram_cross_entropy(train, val, vocab_size: int, k: float = 1.0) -> float:
    """The validation cross-entropy (nats per predicted token) of a bigram model with add-k
    smoothing: ``P(b | a) = (C[a, b] + k) / (C[a] + k V)``, the counts ``C`` of consecutive pairs
    within the training sequences. Every pair ``(x[t], x[t+1])`` of every validation sequence is
    scored; the result is the mean of ``-log P`` over all of them. (Reference for Day 25's second
    exercise.)"""
    import numpy as np

    C = np.zeros((vocab_size, vocab_size))
    for seq in train:
        np.add.at(C, (np.asarray(seq[:-1]), np.asarray(seq[1:])), 1)
    P = (C + k) / (C.sum(axis=1, keepdims=True) + k * vocab_size)
    nll = [-np.log(P[a, b]) for seq in val for a, b in zip(seq[:-1], seq[1:])]
    return float(np.mean(nll))


def _build(out: Path) -> None:
    import time

    m21 = require_music21()
    names = chorale_names()
    rows, seen, skipped = [], set(), {"no soprano": 0, "duplicate melody": 0, "tuplets": 0}
    from tqdm.auto import tqdm

    start = time.perf_counter()
    for name in tqdm(names, desc="parsing chorales"):
        try:
            parsed = parse_chorale(name)
        except ValueError:
            skipped["tuplets"] += 1
            continue
        if parsed is None:
            skipped["no soprano"] += 1
            continue
        notes, mode, shift = parsed
        text = format_notes(notes)
        if text in seen:  # the same melody harmonised twice: keep one, or it would leak across the split
            skipped["duplicate melody"] += 1
            continue
        seen.add(text)
        rows.append((name, mode, shift, text))
    seconds = time.perf_counter() - start
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write(f"# Soprano lines of the Bach chorales in music21 {m21.__version__}'s corpus "
                "(music21.corpus.chorales.Iterator), made by `python -m course.music.chorales` in "
                f"{seconds:.0f} s.\n")
        f.write("# Ties merged, rests as pitch 0, chords as their top note; transposed by `shift` "
                "semitones (-6..+5) from the key of score.analyze('key') to C major / A minor.\n")
        f.write(f"# notes: 'pitch:steps' (MIDI pitch, length in sixteenths). Left out: {skipped}.\n")
        w = csv.writer(f)
        w.writerow(["name", "mode", "shift", "notes"])
        w.writerows(rows)
    print(f"{len(rows)} melodies written to {out} in {seconds:.0f} s; left out: {skipped}")


if __name__ == "__main__":
    import sys

    _build(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA_FILE)
