"""The Olivetti faces (AT&T Laboratories Cambridge, 1992-94): 40 people, 10 grey 64x64 photos
each. Fetched once with its checksum into the course data folder (the file and checksum
scikit-learn's ``fetch_olivetti_faces`` uses), read from there after that; Day 20 uses them.

The file is MATLAB's ``olivettifaces.mat``, read with ``scipy.io.loadmat`` (scipy comes with
scikit-image). Its ``faces`` matrix is (4096, 400): one column per photo, each photo stored
column by column, so a photo is ``column.reshape(64, 64).T``; photos 10k..10k+9 are person k.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .fetch import ChecksumMismatch, DataUnavailable, data_home, download_verified, file_sha256

OLIVETTI_FILE = "olivettifaces.mat"
OLIVETTI_URL = "https://ndownloader.figshare.com/files/5976027"
# SHA-256 of the .mat file itself (not compressed), as in scikit-learn's _olivetti_faces.py.
OLIVETTI_SHA256 = "b612fb967f2dc77c9c62d3e1266e0c73d5fca46a4b8906c18e454d41af987794"


@dataclass
class OlivettiFaces:
    images: np.ndarray  # (400, 64, 64) float32 in [0, 1], upright
    labels: np.ndarray  # (400,) int64, the person 0-39
    path: Path          # the verified file they were read from


def olivetti_file(*, folders=None, url: str | None = OLIVETTI_URL, sha256: str = OLIVETTI_SHA256,
                  timeout: float = 20.0) -> Path:
    """The verified ``olivettifaces.mat``: the first good copy in ``folders`` (default: the course
    data folder's ``olivetti``), else downloaded from ``url`` into that folder (``url=None``: never
    download). Raises ``DataUnavailable`` (``ChecksumMismatch`` for a download that is not the
    file) with a sentence saying what to do."""
    cache = data_home() / "olivetti"
    folders = [cache] if folders is None else list(folders)
    for folder in folders:
        path = Path(folder) / OLIVETTI_FILE
        if path.is_file() and file_sha256(path) == sha256:
            return path
    where = ", ".join(str(f) for f in folders) or "(no folders)"
    if url is None:
        raise DataUnavailable(
            f"The Olivetti faces are not on this machine (looked in: {where}) and downloading was "
            f"turned off. Connect to the internet and run this again with the default url, or put "
            f"{OLIVETTI_FILE} (from {OLIVETTI_URL}) into {cache}.")
    try:
        return download_verified(url, cache / OLIVETTI_FILE,
                                 lambda part: file_sha256(part) == sha256, timeout=timeout)
    except ChecksumMismatch:
        raise
    except DataUnavailable as err:
        raise DataUnavailable(
            f"The Olivetti faces are not on this machine and could not be downloaded ({err}). "
            f"Looked in: {where}. To fix it: connect to the internet once and run this again, or "
            f"put {OLIVETTI_FILE} (from {OLIVETTI_URL}) into {cache}.") from err


def read_olivetti(path) -> OlivettiFaces:
    """Parse ``olivettifaces.mat`` (as scikit-learn does): photos upright, scaled to [0, 1]."""
    try:
        from scipy.io import loadmat
    except ModuleNotFoundError as err:  # pragma: no cover - scipy ships with scikit-image
        raise DataUnavailable("Reading the Olivetti faces needs scipy: run `pip install scipy`.") from err
    faces = np.asarray(loadmat(path)["faces"], dtype=np.float32).T  # (n, 4096), one photo a row
    n = faces.shape[0]
    side = int(round(np.sqrt(faces.shape[1])))
    faces = faces - faces.min()
    faces /= max(float(faces.max()), 1e-12)
    images = faces.reshape(n, side, side).transpose(0, 2, 1).copy()  # stored column by column
    labels = np.arange(n, dtype=np.int64) // 10
    return OlivettiFaces(images, labels, Path(path))


def olivetti_faces(*, folders=None, url: str | None = OLIVETTI_URL, sha256: str = OLIVETTI_SHA256,
                   timeout: float = 20.0) -> OlivettiFaces:
    """The Olivetti faces: ``images`` (400, 64, 64) float32 in [0, 1] and ``labels`` (400,), the
    person 0-39 (ten photos each, in order). From the course data folder, else a checksummed
    download into it (see ``olivetti_file``)."""
    return read_olivetti(olivetti_file(folders=folders, url=url, sha256=sha256, timeout=timeout))
