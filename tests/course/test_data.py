import gzip
import hashlib
import http.server
import threading
from functools import partial

import numpy as np
import pytest

from course import data
from course.data import fashion


@pytest.mark.parametrize("make", [data.planar_flower, data.circles, data.moons])
def test_generated_sets_are_seeded_and_balanced(make):
    X, Y = make(m=200, seed=3)
    X2, Y2 = make(m=200, seed=3)
    assert X.shape == (2, 200) and Y.shape == (1, 200)
    assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
    assert not np.array_equal(X, make(m=200, seed=4)[0])
    assert set(np.unique(Y)) == {0, 1} and abs(Y.mean() - 0.5) < 0.05


def test_goalkeeper_and_faces_shapes():
    Xtr, Ytr, Xte, Yte = data.goalkeeper(50, 70)
    assert Xtr.shape == (2, 50) and Yte.shape == (1, 70)
    Xtr, Ytr, Xte, Yte = data.faces()
    assert Xtr.shape == (150, 25, 25) and Xte.shape == (50, 25, 25)
    assert Ytr.mean() == 0.5 and Yte.mean() == 0.5 and 0 <= Xtr.min() and Xtr.max() <= 1


def _idx(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


@pytest.fixture
def tiny_fashion(tmp_path, monkeypatch):
    """Four tiny idx files served on loopback, with the checksums the loader expects."""
    served = tmp_path / "served"
    served.mkdir()
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (6, 28, 28)),
              "train-labels-idx1-ubyte.gz": np.arange(6) % 10,
              "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28)),
              "t10k-labels-idx1-ubyte.gz": np.array([9, 0, 1])}
    checksums = {}
    for name, array in arrays.items():
        blob = _idx(array)
        (served / name).write_bytes(blob)
        checksums[name] = hashlib.sha256(gzip.decompress(blob)).hexdigest()
    monkeypatch.setattr(fashion, "FASHION_FILES", checksums)
    monkeypatch.setenv("COURSE_DATA", str(tmp_path / "home"))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/", served, arrays
    server.shutdown()


def test_fashion_download_is_verified_and_cached(tiny_fashion, tmp_path):
    url, served, arrays = tiny_fashion
    fm = data.fashion_mnist(folders=[tmp_path / "nowhere"], url=url)
    assert fm.X_train.shape == (6, 28, 28) and list(fm.y_test) == [9, 0, 1]
    cached = tmp_path / "home" / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz"
    assert cached.exists()
    # Now offline: the cached copy in the course data folder is found first.
    again = data.fashion_mnist(folders=[cached.parent], url=None)
    assert np.array_equal(again.X_test, fm.X_test)


def test_fashion_bad_checksum_is_refused_and_not_kept(tiny_fashion, tmp_path):
    url, served, _ = tiny_fashion
    (served / "t10k-labels-idx1-ubyte.gz").write_bytes(_idx(np.array([1, 2, 3])))
    with pytest.raises(data.DataUnavailable, match="does not match its checksum"):
        data.fashion_mnist(folders=[], url=url)
    assert not list((tmp_path / "home" / "fashion-mnist").glob("t10k-labels*"))


def test_fashion_nowhere_and_offline_says_what_to_do(tiny_fashion, tmp_path):
    with pytest.raises(data.DataUnavailable, match="apt-get install dataset-fashion-mnist"):
        data.fashion_mnist(folders=[tmp_path], url="http://127.0.0.1:9/")


@pytest.mark.skipif(not data.DEBIAN_FASHION.exists(), reason="Debian's dataset-fashion-mnist is not installed")
def test_real_fashion_mnist_from_debian():
    fm = data.fashion_mnist(folders=[data.DEBIAN_FASHION], url=None)
    assert fm.X_train.shape == (60000, 28, 28) and fm.X_test.shape == (10000, 28, 28)
    assert np.bincount(fm.y_test).tolist() == [1000] * 10
    X, Y, Xt, Yt = data.fashion_binary(0, 9, m_train=100)
    assert X.shape == (784, 100) and Xt.shape == (784, 2000) and 0 <= X.min() and X.max() <= 1
