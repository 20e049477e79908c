"""Training clips for a trigger word (Day 29): backgrounds, words inserted without overlap, labels,
detections and their F1, and a chime to mark them. NumPy only.

A clip is ``duration`` seconds at ``speech.SAMPLE_RATE``: generated background noise (coloured
noise, mains hum, and babble: other words at low volume), then the trigger word and other words
placed at random where they overlap no earlier word. The model's output has ``n_steps`` steps over
the clip; sample ``s`` falls in step ``floor(s * n_steps / n_samples)``, and the ``width`` steps
right after the step holding a trigger's last sample are labelled 1 (Coursera's labelling).
"""
from __future__ import annotations

import time

import numpy as np

from ..training import progress_bar
from . import speech

TRIGGER = "activate"
# Other words: near-rhymes and look-alikes of "activate" first, then everyday words.
NEGATIVES = ("captivate", "activity", "motivate", "cultivate", "active", "evaluate", "navigate",
             "elevate", "relate", "actually", "table", "morning", "weather", "music", "hello", "seven",
             "window", "river")
VOICES = ("en", "en-us", "en+f3", "en+m3", "en+f4")
TRAIN_SPEEDS, TRAIN_PITCHES = (125, 155, 185), (35, 65)
HELDOUT_SPEEDS, HELDOUT_PITCHES = (170,), (50,)


def word_bank(words, voices=VOICES, speeds=TRAIN_SPEEDS, pitches=TRAIN_PITCHES, *, backend=None,
              progress=False) -> tuple[dict, dict]:
    """Every (word, voice, speed, pitch) variant spoken once (cached, see ``speech.speak``).

    Returns a tuple of:
    - bank: dict word -> list of float32 waveforms at ``speech.SAMPLE_RATE``
    - info: dict with "variants", "seconds" (wall time), "backend"
    """
    backend = speech.require_speech(backend)
    jobs = [(w, v, s, p) for w in words for v in voices for s in speeds for p in pitches]
    start = time.perf_counter()
    bar = progress_bar(progress, total=len(jobs), desc="speaking", unit="word")
    bank = {w: [] for w in words}
    for w, v, s, p in jobs:
        bank[w].append(speech.speak(w, v, s, p, backend=backend))
        bar.update()
    bar.close()
    return bank, {"variants": len(jobs), "seconds": time.perf_counter() - start, "backend": backend}


def coloured_noise(n: int, alpha: float, rng) -> np.ndarray:
    """``n`` samples of noise whose power falls as 1 / f**alpha (0 white, 1 pink, 2 brown), RMS 1."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum), dtype=np.float64)
    f[0] = 1.0
    x = np.fft.irfft(spectrum / f ** (alpha / 2), n)
    return (x / (x.std() + 1e-12)).astype(np.float32)


def noise_library(n: int, rng, sample_rate: int = speech.SAMPLE_RATE, colours=6):
    """Long stretches to crop backgrounds from: ``colours`` coloured noises (alpha from 0 to 2) of
    4n samples, RMS 1, and mains hums (50 Hz and 60 Hz with two harmonics) of n + sample_rate."""
    noises = [coloured_noise(4 * n, a, rng) for a in np.linspace(0, 2, colours)]
    t = np.arange(n + sample_rate) / sample_rate
    hums = [sum(np.sin(2 * np.pi * f0 * h * t) / h for h in (1, 2, 3)).astype(np.float32) for f0 in (50, 60)]
    return noises, hums


def background(n: int, rng, sample_rate: int = speech.SAMPLE_RATE, babble=(), babble_gain=(0.02, 0.1),
               library=None):
    """A background of ``n`` samples: coloured noise at a random level and colour, half the time a
    mains hum, and each waveform of ``babble`` at a low random gain anywhere (``library``: from
    ``noise_library``, made here when None)."""
    noises, hums = library if library is not None else noise_library(n, rng, sample_rate)
    noise = noises[rng.integers(len(noises))]
    start = int(rng.integers(0, len(noise) - n + 1))
    x = noise[start:start + n] * np.float32(rng.uniform(0.002, 0.03))
    if rng.random() < 0.5:
        hum = hums[rng.integers(len(hums))]
        start = int(rng.integers(0, sample_rate))
        x = x + np.float32(rng.uniform(0, 0.01)) * hum[start:start + n]
    for word in babble:
        word = word[:n]
        start = int(rng.integers(0, n - len(word) + 1))
        x[start:start + len(word)] += rng.uniform(*babble_gain) * word
    return x.astype(np.float32)


def insert_clip(background, clip, start, segments):
    """``clip`` added onto ``background`` from sample ``start``, unless it would overlap a segment.

    Inputs:
    - background: (T,) float array; clip: (L,) float array; start: int
    - segments: list of (first, last) sample indices, both included, already taken
    Returns a tuple of:
    - out: a new (T,) array, background + clip on samples start..start+L-1 (``background`` itself,
      unchanged, when the clip overlaps a segment or does not fit)
    - segment: (start, start + L - 1), or None when nothing was inserted
    """
    first, last = int(start), int(start) + len(clip) - 1
    if first < 0 or last >= len(background):
        return background, None
    if any(first <= b and last >= a for a, b in segments):
        return background, None
    out = np.array(background, copy=True)
    out[first:last + 1] += clip
    return out, (first, last)


def make_labels(ends, n_samples, n_steps, width):
    """Labels for the model's ``n_steps`` outputs: 1 on the ``width`` steps right after the step
    holding each trigger's last sample (``floor(end * n_steps / n_samples)``), cut at the clip's end.

    Returns y: (n_steps,) float32 of 0 and 1.
    """
    y = np.zeros(n_steps, dtype=np.float32)
    for end in ends:
        k = int(end) * n_steps // n_samples
        y[k + 1:k + 1 + width] = 1.0
    return y


def vary(wave, rng, gain=(0.3, 1.0), stretch=0.08):
    """``wave`` at a random gain, played up to ``stretch`` faster or slower (linear interpolation)."""
    factor = 1.0 + rng.uniform(-stretch, stretch)
    n = max(int(len(wave) / factor), 1)
    out = np.interp(np.arange(n) * factor, np.arange(len(wave)), wave)
    return (rng.uniform(*gain) * out).astype(np.float32)


def make_clip(bank, rng, duration=3.0, trigger=TRIGGER, max_triggers=2, max_others=3, max_babble=3,
              sample_rate=speech.SAMPLE_RATE, tries=30, library=None):
    """A random clip: a background, then up to ``max_triggers`` triggers and ``max_others`` other
    words (each a random variant of ``bank``, at a random gain and speed) where they fit
    (``library``: backgrounds' noises, see ``noise_library``).

    Returns a tuple of:
    - wave: (round(duration * sample_rate),) float32, clipped to [-1, 1]
    - ends: sorted list of the last sample of each inserted trigger
    """
    n = int(round(duration * sample_rate))
    others = [w for w in bank if w != trigger]
    pick = lambda word: vary(bank[word][rng.integers(len(bank[word]))], rng)  # noqa: E731
    babble = [pick(others[rng.integers(len(others))]) for _ in range(rng.integers(0, max_babble + 1))]
    wave = background(n, rng, sample_rate, babble, library=library)
    words = [trigger] * int(rng.integers(0, max_triggers + 1))
    words += [others[rng.integers(len(others))] for _ in range(rng.integers(0, max_others + 1))]
    rng.shuffle(words)
    segments, ends = [], []
    for word in words:
        clip = pick(word)
        for _ in range(tries):
            wave, segment = insert_clip(wave, clip, int(rng.integers(0, n - len(clip) + 1)), segments)
            if segment is not None:
                segments.append(segment)
                if word == trigger:
                    ends.append(segment[1])
                break
    return np.clip(wave, -1, 1).astype(np.float32), sorted(ends)


def make_clips(bank, count, seed, **kwargs):
    """``count`` clips from ``make_clip`` with a generator seeded by ``seed``.

    Returns a tuple of: waves (count, T) float32; ends, a list of ``count`` lists."""
    rng = np.random.default_rng(seed)
    duration = kwargs.get("duration", 3.0)
    sample_rate = kwargs.get("sample_rate", speech.SAMPLE_RATE)
    library = noise_library(int(round(duration * sample_rate)), rng, sample_rate)
    made = [make_clip(bank, rng, library=library, **kwargs) for _ in range(count)]
    return np.stack([w for w, _ in made]), [e for _, e in made]


def detect(probs, threshold=0.5, min_gap=0):
    """Detections in one clip's outputs: each step where the output rises to ``threshold`` or above
    (step 0 counts when it starts there), skipping rises fewer than ``min_gap`` steps after the last
    detection. Returns a list of step indices."""
    steps, last = [], None
    for t, p in enumerate(np.asarray(probs, dtype=np.float64)):
        rising = p >= threshold and (t == 0 or probs[t - 1] < threshold)
        if rising and (last is None or t - last >= min_gap):
            steps.append(t)
            last = t
    return steps


def match_detections(detections, triggers, before=0.2, after=0.6):
    """Match detection times to trigger end times (seconds), one to one, in time order: a detection
    at time d matches the earliest unmatched trigger ending at e with e - before <= d <= e + after.

    Returns a tuple (tp, fp, fn): matched detections, unmatched detections, unmatched triggers."""
    free = sorted(triggers)
    tp = 0
    for d in sorted(detections):
        for i, e in enumerate(free):
            if e - before <= d <= e + after:
                del free[i]
                tp += 1
                break
    return tp, len(detections) - tp, len(free)


def f1_score(tp, fp, fn):
    """Precision, recall and F1 = 2 tp / (2 tp + fp + fn) of detection counts (1.0 each when there
    was nothing to find and nothing was found). Returns a tuple (precision, recall, f1)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 1.0
    return precision, recall, f1


def step_times(steps, n_steps, duration):
    """The time (seconds) at which each output step ends, when its output is known."""
    return [(int(t) + 1) * duration / n_steps for t in steps]


def chime(sample_rate=speech.SAMPLE_RATE, duration=0.3, freqs=(880.0, 1318.5)):
    """A bell-like chime: sines at ``freqs`` fading exponentially, peak 0.5."""
    t = np.arange(int(duration * sample_rate)) / sample_rate
    tone = sum(np.sin(2 * np.pi * f * t) for f in freqs) * np.exp(-t / (duration / 5))
    return (0.5 * tone / np.abs(tone).max()).astype(np.float32)


def mix_chimes(wave, times, sample_rate=speech.SAMPLE_RATE):
    """``wave`` with a chime added from each time in ``times`` (seconds), cut at the end, in [-1, 1]."""
    out = np.array(wave, dtype=np.float32, copy=True)
    bell = chime(sample_rate)
    for t in times:
        s = int(round(t * sample_rate))
        piece = bell[:max(len(out) - s, 0)]
        out[s:s + len(piece)] += piece
    return np.clip(out, -1, 1)
