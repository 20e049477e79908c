import numpy as np
import pytest

from course.music import synth


def test_midi_to_hz():
    assert synth.midi_to_hz(69) == pytest.approx(440.0)
    assert synth.midi_to_hz(81) == pytest.approx(880.0)
    assert synth.midi_to_hz(60) == pytest.approx(261.6255653, rel=1e-9)


def test_synthesise_by_hand():
    sr = 8000
    wave = synth.synthesise([(69, 2), (0, 1), (57, 4)], sr)  # 0.25 s, 0.125 s rest, 0.5 s
    assert wave.shape == (2000 + 1000 + 4000,) and wave.dtype == np.float64
    assert np.abs(wave).max() <= synth.AMPLITUDE + 1e-12
    assert wave[0] == 0 and np.all(wave[2000:3000] == 0) and wave[3000] == 0
    # sample 400 of the first note: t = 0.05 s, past the attack, before the release
    assert wave[400] == pytest.approx(0.5 * np.sin(2 * np.pi * 440 * 0.05), abs=1e-12)
    # sample 40 is in the attack: envelope 0.005 / 0.01 = 0.5
    assert wave[40] == pytest.approx(0.5 * 0.5 * np.sin(2 * np.pi * 440 * 0.005), abs=1e-12)
    # 10 samples before the first note ends: envelope (0.25 - 0.24875) / 0.05 = 0.025
    t = 1990 / sr
    assert wave[1990] == pytest.approx(0.5 * 0.025 * np.sin(2 * np.pi * 440 * t), abs=1e-12)
    # the second note is an octave lower: 220 Hz, counted from its own start
    assert wave[3000 + 800] == pytest.approx(0.5 * np.sin(2 * np.pi * 220 * 0.1), abs=1e-12)


def test_synthesised_pitch_by_its_spectrum():
    sr = 16000
    wave = synth.synthesise([(72, 32)], sr)  # 4 s of C5
    freqs = np.fft.rfftfreq(len(wave), 1 / sr)
    assert freqs[np.argmax(np.abs(np.fft.rfft(wave)))] == pytest.approx(synth.midi_to_hz(72), abs=0.5)


def test_midi_file_is_well_formed(tmp_path):
    path = synth.write_midi([(60, 4), (0, 2), (64, 8)], tmp_path / "x.mid")
    data = path.read_bytes()
    assert data[:4] == b"MThd" and data[14:18] == b"MTrk"
    assert int.from_bytes(data[18:22], "big") == len(data) - 22
    assert data.endswith(b"\xff\x2f\x00")
    music21 = pytest.importorskip("music21")
    notes = [n for n in music21.converter.parse(str(path)).flatten().notes]
    assert [n.pitch.midi for n in notes] == [60, 64]
    assert [float(n.quarterLength) for n in notes] == [1.0, 2.0]
    assert float(notes[1].offset) == 1.5


def test_piano_roll_draws():
    import matplotlib
    matplotlib.use("agg")
    ax = synth.piano_roll([(60, 4), (0, 4), (67, 8)], title="x")
    assert len(ax.patches) == 2
