"""The MNIST loader: real files when present, synthetic IDX files for the failures."""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np
import pytest

from histbp import mnist
from histbp.mnist import FILES, MNISTError, download_mnist, load_mnist, read_idx

ROOT = Path(__file__).resolve().parents[1]


def _real_mnist_dir() -> Path | None:
    data = os.environ.get("HISTBP_DATA")
    candidates = [Path(data) / "mnist"] if data else []
    candidates.append(ROOT.parent / "shared" / "data" / "mnist")
    for folder in candidates:
        if all((folder / f.name).is_file() for f in FILES.values()):
            return folder
    return None


REAL = _real_mnist_dir()
needs_real = pytest.mark.skipif(
    REAL is None,
    reason="the four MNIST .gz files are not in $HISTBP_DATA/mnist or "
    "../shared/data/mnist (no internet in tests, so no download)",
)


def _idx_bytes(array: np.ndarray) -> bytes:
    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">I", 0x0800 + array.ndim)
    header += b"".join(struct.pack(">I", n) for n in array.shape)
    return header + array.tobytes()


def _write_gz(path: Path, payload: bytes) -> Path:
    with gzip.open(path, "wb") as f:
        f.write(payload)
    return path


@pytest.fixture(scope="module")
def real():
    if REAL is None:
        pytest.skip("MNIST files absent")
    return load_mnist(REAL)


@needs_real
def test_real_files_shapes_dtypes_and_counts(real):
    assert real.train_images.shape == (60_000, 28, 28)
    assert real.test_images.shape == (10_000, 28, 28)
    assert real.train_labels.shape == (60_000,)
    assert real.test_labels.shape == (10_000,)
    for a in (real.train_images, real.train_labels, real.test_images, real.test_labels):
        assert a.dtype == np.uint8
    # The sanity figures of the data folder's README.
    np.testing.assert_array_equal(
        np.bincount(real.train_labels),
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    )
    np.testing.assert_array_equal(
        np.bincount(real.test_labels),
        [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    )
    assert real.train_images.mean() == pytest.approx(33.318, abs=5e-4)


@needs_real
def test_default_search_uses_histbp_data(monkeypatch, tmp_path):
    monkeypatch.setenv("HISTBP_DATA", str(REAL.parent))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mnist.candidate_dirs()[0] == REAL
    got = load_mnist(download=False)
    assert got.path == REAL
    assert got.test_labels[:5].tolist() == [7, 2, 1, 0, 4]


def test_candidate_dirs_cache_from_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("HISTBP_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mnist.candidate_dirs() == [tmp_path / "histbp" / "mnist"]


def test_offline_without_files_says_where_to_put_them(monkeypatch, tmp_path):
    monkeypatch.setenv("HISTBP_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(FileNotFoundError, match="Put the four files"):
        load_mnist(download=False)


def test_failed_download_is_reported_not_used(monkeypatch, tmp_path):
    monkeypatch.setenv("HISTBP_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def offline(url, timeout):
        raise OSError("network is unreachable")

    monkeypatch.setattr(
        mnist, "download_mnist", lambda: download_mnist(tmp_path / "dl", opener=offline)
    )
    with pytest.raises(FileNotFoundError, match="network is unreachable"):
        load_mnist()
    assert not list((tmp_path / "dl").iterdir())


def test_read_idx_round_trip(tmp_path):
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    path = _write_gz(tmp_path / "x.gz", _idx_bytes(images))
    out = read_idx(path, magic=2051)
    np.testing.assert_array_equal(out, images)
    assert out.dtype == np.uint8
    labels = _write_gz(tmp_path / "y.gz", _idx_bytes(np.array([3, 1, 4])))
    assert read_idx(labels, magic=2049).tolist() == [3, 1, 4]


def test_wrong_magic_is_rejected(tmp_path):
    path = _write_gz(tmp_path / "y.gz", _idx_bytes(np.array([3, 1, 4])))
    with pytest.raises(MNISTError, match="magic number 2049; expected 2051"):
        read_idx(path, magic=2051)
    bad = _write_gz(tmp_path / "z.gz", struct.pack(">I", 0x0D03) + b"\0" * 12)
    with pytest.raises(MNISTError, match="not an IDX file of unsigned bytes"):
        read_idx(bad)


def test_truncated_payload_is_rejected(tmp_path):
    payload = _idx_bytes(np.ones((5, 28, 28)))
    path = _write_gz(tmp_path / "x.gz", payload[:-100])
    with pytest.raises(MNISTError, match="truncated: header"):
        read_idx(path, magic=2051)
    longer = _write_gz(tmp_path / "w.gz", payload + b"\0")
    with pytest.raises(MNISTError, match="longer than its header"):
        read_idx(longer)


def test_truncated_gzip_stream_is_rejected(tmp_path):
    good = _write_gz(tmp_path / "x.gz", _idx_bytes(np.ones((50, 28, 28))))
    cut = tmp_path / "cut.gz"
    cut.write_bytes(good.read_bytes()[:-40])
    with pytest.raises(MNISTError, match="truncated: the gzip stream ends early"):
        read_idx(cut)


def test_not_gzip_is_rejected(tmp_path):
    path = tmp_path / "x.gz"
    path.write_bytes(_idx_bytes(np.ones((2, 2, 2))))
    with pytest.raises(MNISTError, match="not a valid gzip file"):
        read_idx(path)


def _fake_folder(folder: Path, corrupt: str | None = None, short: str | None = None):
    """Synthetic files with the canonical headers: right shapes, wrong pixels."""
    folder.mkdir(parents=True, exist_ok=True)
    for key, spec in FILES.items():
        count = spec.count - 1 if key == short else spec.count
        shape = (count, 28, 28) if spec.magic == 2051 else (count,)
        data = np.zeros(shape, dtype=np.uint8)
        if key == corrupt:
            data.flat[0] = 1
        _write_gz(folder / spec.name, _idx_bytes(data))
    return folder


def test_corrupted_file_fails_its_checksum(tmp_path):
    folder = _fake_folder(tmp_path / "m", corrupt="test_labels")
    with pytest.raises(MNISTError, match="corrupted: the SHA-256"):
        load_mnist(folder)


def test_wrong_count_is_rejected(tmp_path):
    # Shapes are checked before checksums: the first file read is the short one.
    folder = _fake_folder(tmp_path / "m", short="train_images")
    with pytest.raises(
        MNISTError, match=r"\(59999, 28, 28\); expected \(60000, 28, 28\)"
    ):
        load_mnist(folder)


def test_missing_file_in_given_folder(tmp_path):
    folder = _fake_folder(tmp_path / "m")
    (folder / FILES["test_images"].name).unlink()
    with pytest.raises(FileNotFoundError, match=r"lacks t10k-images-idx3-ubyte\.gz"):
        load_mnist(folder)
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load_mnist(tmp_path / "nowhere")


@needs_real
def test_download_from_a_file_url_mirror(tmp_path):
    # The real download code, with the local copy standing in for the mirror.
    folder = download_mnist(
        tmp_path / "cache", mirrors=("file:///nonexistent/", REAL.as_uri() + "/")
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f.name for f in FILES.values()
    )
    assert load_mnist(folder).train_labels[:3].tolist() == [5, 0, 4]


@needs_real
def test_truncated_download_is_rejected_and_leaves_nothing(tmp_path):
    import io

    def truncating(url, timeout):
        name = url.rsplit("/", 1)[1]
        data = (REAL / name).read_bytes()
        return io.BytesIO(data[: len(data) // 2])

    with pytest.raises(OSError, match="could not download train-images"):
        download_mnist(
            tmp_path / "cache", mirrors=("https://example.invalid/",), opener=truncating
        )
    assert list((tmp_path / "cache").iterdir()) == []


def test_the_loader_is_also_histbp_data_load_mnist():
    import histbp.data
    import histbp.mnist

    assert histbp.data.load_mnist is histbp.mnist.load_mnist


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"mirrors": ()}, ValueError, "mirrors must be a non-empty sequence"),
        ({"mirrors": "https://example.invalid/"}, ValueError, "mirrors must be"),
        ({"opener": "urlopen"}, TypeError, "opener must be callable"),
        ({"timeout": 0.0}, ValueError, "timeout must lie in"),
        ({"timeout": "60"}, TypeError, "timeout must be a real number"),
    ],
)
def test_download_arguments_are_checked_before_any_file_is_touched(
    tmp_path, kwargs, error, match
):
    with pytest.raises(error, match=match):
        download_mnist(tmp_path / "cache", **kwargs)
    assert not (tmp_path / "cache").exists()


def test_download_flag_must_be_a_bool(tmp_path):
    with pytest.raises(TypeError, match="download must be True or False"):
        load_mnist(download="no")
