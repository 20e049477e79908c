"""course.audio.speech: both espeak-ng backends, the same kind of output, the cache, the missing-engine message."""
import numpy as np
import pytest

from course.audio import speech
from course.data.fetch import DataUnavailable

needs_cli = pytest.mark.skipif(speech.cli_path() is None, reason=speech.INSTALL)
needs_library = pytest.mark.skipif(speech.library_paths() is None, reason=speech.INSTALL)
needs_speech = pytest.mark.skipif(not speech.available_backends(), reason=speech.INSTALL)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DATA", str(tmp_path))
    monkeypatch.setattr(speech, "_memory", {})
    return tmp_path / "speech"


@pytest.mark.parametrize("backend", [pytest.param("cli", marks=needs_cli),
                                     pytest.param("library", marks=needs_library)])
def test_speak_gives_float32_mono_at_16k(backend, cache_dir):
    wave = speech.speak("activate", "en+f3", 150, 50, backend=backend, cache=False)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert 0.4 < len(wave) / speech.SAMPLE_RATE < 1.2
    assert 0.1 < np.abs(wave).max() < 1.0
    assert np.abs(wave[:161]).max() > 0.01 and np.abs(wave[-161:]).max() > 0.01  # silence trimmed to 10 ms


@needs_cli
@needs_library
def test_library_backend_matches_the_command_line(cache_dir):
    import torch

    from course.audio.model import spectrogram

    for word, voice, speed, pitch in (("activate", "en+f3", 150, 50), ("river", "en-us", 190, 30)):
        a = speech.speak(word, voice, speed, pitch, backend="cli", cache=False)
        b = speech.speak(word, voice, speed, pitch, backend="library", cache=False)
        assert abs(len(a) - len(b)) <= 0.02 * len(a)
        n = min(len(a), len(b))
        spectra = [spectrogram(torch.as_tensor(x[:n])).mean(0).numpy() for x in (a, b)]
        assert np.corrcoef(*spectra)[0, 1] > 0.98


@needs_speech
def test_variants_differ_and_are_cached_in_memory_and_on_disk(cache_dir, monkeypatch):
    a = speech.speak("hello", "en", 160, 50)
    assert speech.speak("hello", "en", 160, 50) is a
    assert len(list(cache_dir.glob("*.npy"))) == 1
    fast = speech.speak("hello", "en", 300, 50)
    assert len(fast) < 0.8 * len(a)
    monkeypatch.setattr(speech, "_memory", {})
    monkeypatch.setattr(speech, "_speak_cli", lambda *args: pytest.fail("synthesised again"))
    monkeypatch.setattr(speech, "_speak_library", lambda *args: pytest.fail("synthesised again"))
    np.testing.assert_array_equal(speech.speak("hello", "en", 160, 50), a)


def test_no_engine_says_what_to_install(monkeypatch):
    monkeypatch.setattr(speech, "cli_path", lambda: None)
    monkeypatch.setattr(speech, "library_paths", lambda: None)
    with pytest.raises(DataUnavailable, match="apt-get install espeak-ng") as err:
        speech.speak("activate")
    assert "pip install espeakng-loader" in str(err.value)
    with pytest.raises(DataUnavailable, match="'library' speech backend is not installed"):
        speech.require_speech("library")
    with pytest.raises(ValueError, match="use 'cli'"):
        speech.require_speech("festival")


@needs_speech
def test_words_are_checked():
    with pytest.raises(ValueError, match="letters"):
        speech.speak("rm -rf /; echo")


def test_resample_keeps_a_tone_and_removes_aliases():
    rate_in = speech.ESPEAK_RATE
    t = np.arange(rate_in) / rate_in
    for f, kept in ((1000.0, True), (10000.0, False)):  # 10 kHz is above 16 kHz's Nyquist frequency
        y = speech.resample(np.sin(2 * np.pi * f * t), rate_in)
        assert y.dtype == np.float32 and len(y) == speech.SAMPLE_RATE
        spectrum = np.abs(np.fft.rfft(y[1000:-1000]))
        if kept:
            assert abs(np.argmax(spectrum) * speech.SAMPLE_RATE / len(y[1000:-1000]) - f) < 2
            assert 0.9 < np.abs(y[1000:-1000]).max() < 1.05
        else:
            assert np.abs(y[1000:-1000]).max() < 0.05


def test_trim():
    x = np.zeros(1000, np.float32)
    x[400:500] = 0.5
    y = speech.trim(x, margin=10)
    assert len(y) == 120 and y[10] == 0.5
    assert len(speech.trim(np.zeros(5, np.float32))) == 0
