"""Words spoken by espeak-ng, as float32 mono waveforms at 16 kHz (Day 29).

Two backends give the same kind of output: Debian's ``espeak-ng`` command line (``apt-get install
espeak-ng``) and, where it is missing, the ``espeakng-loader`` wheel (``pip install
espeakng-loader``), whose ``libespeak-ng.so`` is called through ctypes. espeak-ng speaks at
22,050 samples a second; the waveform is low-pass filtered below 7.6 kHz (a windowed sinc) and
resampled to ``SAMPLE_RATE`` = 16,000 by linear interpolation, then scaled from int16 to [-1, 1).
Each (word, voice, speed, pitch) variant is synthesised once: kept in memory and in the course's
data folder (``data_home() / "speech"``), so a second run reads it back in milliseconds.
"""
from __future__ import annotations

import ctypes
import hashlib
import re
import shutil
import subprocess
import threading
from pathlib import Path

import numpy as np

from ..data.fetch import DataUnavailable, data_home

SAMPLE_RATE = 16_000
ESPEAK_RATE = 22_050
INSTALL = ("No speech engine: install Debian's espeak-ng (`apt-get install espeak-ng`) or "
           "`pip install espeakng-loader`, then restart the kernel.")

_memory: dict[tuple, np.ndarray] = {}
_lock = threading.Lock()


def cli_path() -> str | None:
    """The ``espeak-ng`` program on the PATH, or None."""
    return shutil.which("espeak-ng")


def library_paths() -> tuple[str, str] | None:
    """(libespeak-ng.so, its data folder) from the ``espeakng-loader`` wheel, or None."""
    try:
        import espeakng_loader
    except ImportError:
        return None
    lib, data = Path(espeakng_loader.get_library_path()), Path(espeakng_loader.get_data_path())
    return (str(lib), str(data)) if lib.exists() and data.exists() else None


def available_backends() -> list[str]:
    """The speech backends installed here, preferred first: "cli", "library"."""
    return [name for name, ok in (("cli", cli_path()), ("library", library_paths())) if ok]


def require_speech(backend: str | None = None) -> str:
    """The backend to use (``backend``, or the first installed); raises DataUnavailable with what
    to install when there is none."""
    found = available_backends()
    if backend is None:
        if not found:
            raise DataUnavailable(INSTALL)
        return found[0]
    if backend not in ("cli", "library"):
        raise ValueError(f"backend is {backend!r}; use 'cli' (the espeak-ng program) or 'library' "
                         "(the espeakng-loader wheel).")
    if backend not in found:
        raise DataUnavailable(f"the {backend!r} speech backend is not installed. " + INSTALL)
    return backend


def _check_word(word: str) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z' -]*", word):
        raise ValueError(f"word {word!r}: use letters, spaces, hyphens and apostrophes only.")


def _wav_samples(data: bytes) -> np.ndarray:
    """The int16 samples of a WAV stream whose sizes may be unset (espeak-ng --stdout)."""
    if data[:4] != b"RIFF" or b"data" not in data[:512]:
        raise RuntimeError("espeak-ng did not write a WAV stream; check `espeak-ng --version`.")
    start = data.index(b"data", 12) + 8
    body = data[start:]
    return np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2")


def _speak_cli(word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    out = subprocess.run([cli_path(), "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", word],
                         capture_output=True, check=False, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"espeak-ng failed on {word!r} with voice {voice!r}: "
                           f"{out.stderr.decode(errors='replace').strip()}")
    return _wav_samples(out.stdout)


class _Library:
    """libespeak-ng through ctypes, synchronous, samples handed to a callback."""

    _CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
    _RETRIEVAL, _RATE, _PITCH = 1, 1, 3

    def __init__(self, lib_path: str, data_path: str):
        self.lib = ctypes.CDLL(lib_path)
        self.lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self.lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.chunks: list[np.ndarray] = []
        self.callback = self._CALLBACK(self._collect)  # kept alive as long as the library
        rate = self.lib.espeak_Initialize(self._RETRIEVAL, 0, data_path.encode(), 0)
        if rate <= 0:
            raise RuntimeError(f"espeak_Initialize failed with the data in {data_path}; "
                               "reinstall espeakng-loader (`pip install --force-reinstall espeakng-loader`).")
        self.rate = rate
        self.lib.espeak_SetSynthCallback(self.callback)

    def _collect(self, wav, n, events):
        if n > 0:
            self.chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    def speak(self, word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"espeak-ng has no voice {voice!r}; try 'en', 'en-us' or 'en+f3'.")
        self.lib.espeak_SetParameter(self._RATE, int(speed), 0)
        self.lib.espeak_SetParameter(self._PITCH, int(pitch), 0)
        self.chunks = []
        text = word.encode() + b"\0"
        self.lib.espeak_Synth(text, len(text), 0, 1, 0, 0, None, None)  # POS_CHARACTER, espeakCHARS_AUTO
        self.lib.espeak_Synchronize()
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)


_library: _Library | None = None


def _speak_library(word: str, voice: str, speed: int, pitch: int) -> np.ndarray:
    global _library
    if _library is None:
        _library = _Library(*library_paths())
    return _library.speak(word, voice, speed, pitch)


def resample(x: np.ndarray, rate_in: int, rate_out: int = SAMPLE_RATE) -> np.ndarray:
    """``x`` (float) from ``rate_in`` to ``rate_out`` samples a second: a windowed-sinc low-pass
    at 0.95 of the lower Nyquist frequency (63 taps), then linear interpolation."""
    x = np.asarray(x, dtype=np.float64)
    if rate_in == rate_out or len(x) == 0:
        return x.astype(np.float32)
    if rate_out < rate_in:
        cutoff = 0.95 * rate_out / 2 / rate_in  # in cycles per input sample
        n = np.arange(63) - 31
        taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(63)
        x = np.convolve(x, taps / taps.sum(), mode="same")
    n_out = int(round(len(x) * rate_out / rate_in))
    return np.interp(np.arange(n_out) * rate_in / rate_out, np.arange(len(x)), x).astype(np.float32)


def _cache_file(key: tuple) -> Path:
    name = "-".join(str(k) for k in key)
    safe = re.sub(r"[^A-Za-z0-9+_.-]", "_", name)
    return data_home() / "speech" / f"{safe}-{hashlib.sha1(name.encode()).hexdigest()[:8]}.npy"


def speak(word: str, voice: str = "en", speed: int = 160, pitch: int = 50, *, backend: str | None = None,
          cache: bool = True) -> np.ndarray:
    """``word`` spoken by espeak-ng: float32 mono samples in [-1, 1) at ``SAMPLE_RATE``, with the
    leading and trailing silence espeak adds trimmed.

    Inputs:
    - voice: an espeak-ng voice, optionally with a variant: "en", "en-us", "en+f3", "en+m3", ...
    - speed: words a minute (espeak's -s, 80 to 450); pitch: 0 to 99 (espeak's -p, 50 by default)
    - backend: "cli", "library" or None (the first installed); cache: keep the result in memory and
      in ``data_home() / "speech"``
    Raises DataUnavailable, with what to install, when no speech engine is installed.
    """
    _check_word(word)
    backend = require_speech(backend)
    key = (word, voice, int(speed), int(pitch), backend)
    if cache and key in _memory:
        return _memory[key]
    path = _cache_file(key)
    if cache and path.exists():
        try:
            wave = np.load(path)
            _memory[key] = wave
            return wave
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    with _lock:
        raw = (_speak_cli if backend == "cli" else _speak_library)(word, voice, int(speed), int(pitch))
    rate = ESPEAK_RATE if backend == "cli" else _library.rate
    wave = trim(resample(raw.astype(np.float32) / 32768.0, rate))
    if cache:
        _memory[key] = wave
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part.npy")
            np.save(tmp, wave)
            tmp.replace(path)
        except OSError:
            pass  # a read-only data folder: the memory cache still works
    return wave


def trim(wave: np.ndarray, threshold: float = 0.01, margin: int = 160) -> np.ndarray:
    """``wave`` without the leading and trailing samples quieter than ``threshold`` (keeping
    ``margin`` samples, 10 ms at 16 kHz, on each side)."""
    loud = np.flatnonzero(np.abs(wave) > threshold)
    if len(loud) == 0:
        return wave[:0]
    return wave[max(loud[0] - margin, 0): loud[-1] + margin + 1]
