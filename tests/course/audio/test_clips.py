"""course.audio.clips: placing words, labels, clips whose trigger ends are exact, detections and F1."""
import numpy as np
import pytest

from course.audio import clips


def test_insert_clip_adds_without_overlap_and_keeps_the_background():
    bg = np.linspace(0, 1, 12)
    word = np.array([1.0, 2.0, 3.0])
    out, seg = clips.insert_clip(bg, word, 4, [(0, 2), (8, 9)])
    assert seg == (4, 6) and np.allclose(out[4:7], bg[4:7] + word) and np.allclose(out[:4], bg[:4])
    assert np.allclose(bg, np.linspace(0, 1, 12))
    for start in (2, 6, 10, -1):  # touches (0, 2); touches (8, 9); past the end; before the start
        out, seg = clips.insert_clip(bg, word, start, [(0, 2), (8, 9)])
        assert seg is None and out is bg


def test_make_labels():
    y = clips.make_labels([10400, 46000], 48000, 72, 5)
    assert y.dtype == np.float32
    assert np.flatnonzero(y).tolist() == [16, 17, 18, 19, 20, 70, 71]
    assert clips.make_labels([], 100, 10, 3).sum() == 0


def _bank():
    """Words as distinct constant blocks, so that a clip's trigger can be found in it."""
    return {clips.TRIGGER: [np.full(1000, 0.5, np.float32), np.full(1400, 0.5, np.float32)],
            "other": [np.full(900, -0.5, np.float32)], "more": [np.full(700, -0.5, np.float32)]}


def test_make_clip_ends_are_the_last_samples_of_the_triggers():
    rng = np.random.default_rng(0)
    seen = 0
    for _ in range(30):
        wave, ends = clips.make_clip(_bank(), rng, duration=1.0, sample_rate=8000)
        assert wave.shape == (8000,) and wave.dtype == np.float32 and np.abs(wave).max() <= 1
        assert ends == sorted(ends)
        for e in ends:  # a trigger (positive, gain >= 0.3) ends at e: loud before, quieter after
            assert wave[e] > 0.1 and wave[e - 600:e + 1].min() > 0.05
            assert e + 1 == len(wave) or wave[e + 1] < wave[e] - 0.1
        seen += len(ends)
    assert seen > 10
    waves, ends = clips.make_clips(_bank(), 5, seed=3, duration=1.0, sample_rate=8000)
    again, ends2 = clips.make_clips(_bank(), 5, seed=3, duration=1.0, sample_rate=8000)
    assert waves.shape == (5, 8000) and np.array_equal(waves, again) and ends == ends2


def test_background_levels():
    rng = np.random.default_rng(1)
    x = clips.background(16000, rng)
    assert x.shape == (16000,) and x.dtype == np.float32 and 0.001 < x.std() < 0.05
    pink = clips.coloured_noise(4096, 1.0, rng)
    assert abs(pink.std() - 1) < 1e-4


def test_detect():
    p = np.array([0.6, 0.7, 0.2, 0.5, 0.5, 0.1, 0.9, 0.4, 0.8, 0.3])
    assert clips.detect(p, 0.5, 0) == [0, 3, 6, 8]
    assert clips.detect(p, 0.5, 3) == [0, 3, 6]
    assert clips.detect([0.1, 0.9, 0.1, 0.9, 0.1, 0.9], 0.5, 3) == [1, 5]


def test_match_detections_and_f1():
    assert clips.match_detections([1.1, 2.0, 2.05], [1.0, 2.0, 3.0]) == (2, 1, 1)
    assert clips.match_detections([0.7], [1.0]) == (0, 1, 1)  # more than 0.2 s early
    assert clips.match_detections([1.6], [1.0]) == (1, 0, 0)
    precision, recall, f1 = clips.f1_score(2, 1, 1)
    assert (precision, recall) == pytest.approx((2 / 3, 2 / 3)) and f1 == pytest.approx(2 / 3)
    assert clips.f1_score(0, 0, 0) == (1.0, 1.0, 1.0)
    assert clips.step_times([0, 9], 10, 3.0) == pytest.approx([0.3, 3.0])


def test_chime_and_mix():
    bell = clips.chime(16000)
    assert abs(np.abs(bell).max() - 0.5) < 1e-6 and np.abs(bell[-100:]).max() < 0.01
    out = clips.mix_chimes(np.zeros(16000, np.float32), [0.5, 0.99])
    assert np.abs(out[:8000]).max() == 0 and np.abs(out[8000:9000]).max() > 0.3 and out.shape == (16000,)
