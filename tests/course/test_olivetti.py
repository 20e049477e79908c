"""course.data.olivetti against a small .mat file served on loopback: the checksummed download,
the cached copy, a file that is not the expected one, and an offline machine."""
import hashlib
import http.server
import threading
from functools import partial

import numpy as np
import pytest
from scipy.io import savemat

from course.data import fetch, olivetti


def _mat(path, images):
    # As the real file stores them: one column per photo, each photo column by column.
    n, side, _ = images.shape
    savemat(path, {"faces": images.transpose(0, 2, 1).reshape(n, side * side).T})


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A 20-photo, 2-person olivettifaces.mat on http://127.0.0.1, with its checksum."""
    folder = tmp_path / "served"
    folder.mkdir()
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (20, 4, 4)).astype(np.float64)
    images[0, 0, 1] = 0.0   # an asymmetric photo, so that a transposed read shows
    images[0, 1, 0] = 255.0
    _mat(folder / "5976027", images)
    sha = hashlib.sha256((folder / "5976027").read_bytes()).hexdigest()
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "home"))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/5976027", sha, images, folder
    server.shutdown()


def test_download_is_verified_cached_and_read_upright(served, tmp_path):
    url, sha, images, _ = served
    faces = olivetti.olivetti_faces(url=url, sha256=sha)
    cached = tmp_path / "home" / "olivetti" / "olivettifaces.mat"
    assert faces.path == cached and cached.exists()
    assert not list(cached.parent.glob("*.part"))
    assert faces.images.shape == (20, 4, 4) and faces.images.dtype == np.float32
    assert faces.labels.tolist() == [0] * 10 + [1] * 10
    scaled = (images - images.min()) / (images.max() - images.min())
    np.testing.assert_allclose(faces.images, scaled, rtol=1e-6)
    # Offline now: the cached copy is found, and no download is tried.
    again = olivetti.olivetti_faces(url=None, sha256=sha)
    np.testing.assert_array_equal(again.images, faces.images)


def test_a_file_that_is_not_the_expected_one_is_refused_and_not_kept(served, tmp_path):
    url, _, _, _ = served
    with pytest.raises(fetch.ChecksumMismatch, match="does not match its checksum"):
        olivetti.olivetti_faces(url=url, sha256="0" * 64)
    assert not list((tmp_path / "home" / "olivetti").glob("olivettifaces*"))


def test_a_bad_cached_copy_is_replaced_by_a_good_download(served, tmp_path):
    url, sha, _, _ = served
    cache = tmp_path / "home" / "olivetti"
    cache.mkdir(parents=True)
    (cache / "olivettifaces.mat").write_bytes(b"not the faces")
    assert olivetti.olivetti_file(url=url, sha256=sha) == cache / "olivettifaces.mat"
    assert hashlib.sha256((cache / "olivettifaces.mat").read_bytes()).hexdigest() == sha


def test_offline_says_what_to_do(served, tmp_path):
    _, sha, _, _ = served
    with pytest.raises(fetch.DataUnavailable, match="connect to the internet") as err:
        olivetti.olivetti_faces(url="http://127.0.0.1:9/5976027", sha256=sha, timeout=2)
    assert not isinstance(err.value, fetch.ChecksumMismatch)
    with pytest.raises(fetch.DataUnavailable, match="downloading was turned off"):
        olivetti.olivetti_faces(url=None, sha256=sha)


def test_the_canonical_source_is_scikit_learns():
    assert olivetti.OLIVETTI_URL == "https://ndownloader.figshare.com/files/5976027"
    assert olivetti.OLIVETTI_SHA256 == "b612fb967f2dc77c9c62d3e1266e0c73d5fca46a4b8906c18e454d41af987794"
