"""Where the course keeps downloaded data, and a data file fetched with its checksum verified."""
from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

from ..errors import CourseError


class DataUnavailable(CourseError, RuntimeError):
    """A data set is on none of the places the course looks, and cannot be downloaded."""


class ChecksumMismatch(DataUnavailable):
    """A data file's contents are not the ones the course expects (a broken or wrong file)."""


def data_home() -> Path:
    """The course's data folder: ``COURSE_DATA`` if set, else a ``data`` folder in the user's
    course home (``COURSE_HOME`` or the platform's user data folder)."""
    if os.environ.get("COURSE_DATA"):
        return Path(os.environ["COURSE_DATA"]).expanduser()
    if os.environ.get("COURSE_HOME"):
        return Path(os.environ["COURSE_HOME"]).expanduser() / "data"
    from platformdirs import user_data_dir

    return Path(user_data_dir("100-days-of-deep-learning", appauthor=False)) / "data"


def _digest(path: Path) -> str:
    with gzip.open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest() if hasattr(hashlib, "file_digest") \
            else hashlib.sha256(f.read()).hexdigest()


def _verified(path: Path, sha256: str) -> bool:
    try:
        return _digest(path) == sha256
    except (OSError, EOFError, gzip.BadGzipFile):
        return False


def file_sha256(path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def download_verified(url: str, target: Path, verified, *, timeout: float = 30,
                      source: str | None = None) -> Path:
    """``url`` into ``target`` through a ``.part`` file, kept only if ``verified(part)`` is true.
    Raises DataUnavailable when the download fails, ChecksumMismatch when it is not the file
    (``source``: how the messages name where it came from; default ``url``)."""
    import urllib.request

    source = url if source is None else source
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
            while chunk := response.read(1 << 20):
                out.write(chunk)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise DataUnavailable(f"{target.name}: download from {source} failed ({err})") from err
    if not verified(partial):
        partial.unlink(missing_ok=True)
        raise ChecksumMismatch(f"{target.name} downloaded from {source} does not match its checksum; "
                               "it was deleted. Try again later, or copy the file by hand.")
    partial.replace(target)
    return target


def fetch_file(name: str, sha256: str, folders, url: str | None, cache: Path) -> Path:
    """A verified gzipped data file (``sha256``: of its decompressed contents): the first good
    copy in ``folders``, else downloaded from ``url`` into ``cache`` (and checked before it is
    kept). Raises DataUnavailable, or ChecksumMismatch for a download that is not the file."""
    for folder in folders:
        path = Path(folder) / name
        if path.exists() and _verified(path, sha256):
            return path
    if url is None:
        raise DataUnavailable(name)
    return download_verified(url + name, cache / name, lambda path: _verified(path, sha256),
                             source=url)
