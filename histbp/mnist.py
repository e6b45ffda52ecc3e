"""The MNIST digits, read from the four original gzip IDX files and checked.

:func:`load_mnist` finds the files (a folder given by the caller, then
``$HISTBP_DATA/mnist``, then a user cache folder), downloads them into the cache
when they are missing and a network is reachable, and refuses any file whose
header, size or SHA-256 checksum is not that of the canonical MNIST.

The IDX format is a big-endian header (a magic number, then one 32-bit size per
dimension) followed by the unsigned bytes: magic 2051 (``0x00000803``, three
dimensions) for images and 2049 (``0x00000801``, one dimension) for labels.

References
----------
Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010], whose
experiments use this database; the files are those published by Y. LeCun,
C. Cortes and C. J. C. Burges.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from histbp._validation import check_callable, check_real

__all__ = [
    "FILES",
    "MIRRORS",
    "MNIST",
    "MNISTError",
    "candidate_dirs",
    "download_mnist",
    "load_mnist",
    "read_idx",
]

#: Magic numbers of the IDX files: unsigned bytes, with 3 or 1 dimensions.
IMAGES_MAGIC: Final = 2051
LABELS_MAGIC: Final = 2049


@dataclass(frozen=True, slots=True)
class _File:
    """One of the four files: its name, magic number, count and payload hash."""

    name: str
    magic: int
    count: int
    sha256: str


#: The four canonical files, with the SHA-256 of each *uncompressed* payload.
FILES: Final = {
    "train_images": _File(
        "train-images-idx3-ubyte.gz",
        IMAGES_MAGIC,
        60_000,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": _File(
        "train-labels-idx1-ubyte.gz",
        LABELS_MAGIC,
        60_000,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": _File(
        "t10k-images-idx3-ubyte.gz",
        IMAGES_MAGIC,
        10_000,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": _File(
        "t10k-labels-idx1-ubyte.gz",
        LABELS_MAGIC,
        10_000,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

#: Where the canonical files are served, tried in this order.
MIRRORS: Final = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)


class MNISTError(ValueError):
    """A file is not a valid MNIST file: bad header, truncated, or corrupted."""


@dataclass(frozen=True, slots=True)
class MNIST:
    """The MNIST database as arrays.

    Attributes
    ----------
    train_images, test_images
        ``uint8`` arrays of shape ``(60000, 28, 28)`` and ``(10000, 28, 28)``,
        0 is background and 255 full ink.
    train_labels, test_labels
        ``uint8`` arrays of shape ``(60000,)`` and ``(10000,)``, the digits 0-9.
    path
        The folder the files were read from.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    path: Path


def read_idx(path: str | os.PathLike[str], magic: int | None = None) -> np.ndarray:
    """Read one gzip-compressed IDX file of unsigned bytes into an array.

    Parameters
    ----------
    path
        The ``.gz`` file.
    magic
        The magic number the header must carry (2051 for images, 2049 for
        labels); ``None`` accepts any unsigned-byte IDX file.

    Returns
    -------
    numpy.ndarray
        ``uint8`` array whose shape is given by the header.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    MNISTError
        If the file is not gzip, is truncated or has trailing bytes, or its
        header is not an unsigned-byte IDX header (with the expected magic).
    """
    path = Path(path)
    data = _gunzip(path)
    return _parse_idx(data, path.name, magic)


def _gunzip(path: Path) -> bytes:
    """The uncompressed bytes of ``path``, or a clear error if they cannot be read."""
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    try:
        with gzip.open(path, "rb") as stream:
            return stream.read()
    except EOFError:
        raise MNISTError(
            f"{path.name} is truncated: the gzip stream ends early ({path})"
        ) from None
    except (gzip.BadGzipFile, zlib.error, OSError) as err:
        raise MNISTError(
            f"{path.name} is not a valid gzip file ({path}): {err}"
        ) from None


def _parse_idx(data: bytes, name: str, magic: int | None) -> np.ndarray:
    """Check the IDX header of ``data`` and return the payload as an array."""
    if len(data) < 4:
        raise MNISTError(f"{name} is too short to hold an IDX header")
    found = int.from_bytes(data[:4], "big")
    if magic is not None and found != magic:
        raise MNISTError(f"{name} has magic number {found}; expected {magic}")
    if found >> 8 != 0x08:
        raise MNISTError(
            f"{name} has magic number {found}: not an IDX file of unsigned bytes"
        )
    ndim = found & 0xFF
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise MNISTError(f"{name} has an incomplete IDX header")
    shape = tuple(
        int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)
    )
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "longer than its header says"
        raise MNISTError(
            f"{name} is {what}: header {shape} needs {expected} bytes, "
            f"the file holds {len(data)}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape).copy()


def candidate_dirs() -> list[Path]:
    r"""The folders :func:`load_mnist` searches, in order, when given no path.

    ``$HISTBP_DATA/mnist`` if the variable is set, then the user cache folder
    ``$XDG_CACHE_HOME/histbp/mnist`` (``~/.cache/histbp/mnist`` when the variable
    is unset; ``%LOCALAPPDATA%\\histbp\\mnist`` on Windows).
    """
    dirs = []
    data = os.environ.get("HISTBP_DATA")
    if data:
        dirs.append(Path(data).expanduser() / "mnist")
    dirs.append(_cache_dir())
    return dirs


def _cache_dir() -> Path:
    """The user cache folder for the MNIST files."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "histbp" / "mnist"
    local = os.environ.get("LOCALAPPDATA")
    if os.name == "nt" and local:
        return Path(local) / "histbp" / "mnist"
    return Path.home() / ".cache" / "histbp" / "mnist"


def _has_all(folder: Path) -> bool:
    return all((folder / f.name).is_file() for f in FILES.values())


def download_mnist(
    directory: str | os.PathLike[str] | None = None,
    *,
    mirrors: Sequence[str] | None = None,
    opener: Callable[..., Any] = urllib.request.urlopen,
    timeout: float = 60.0,
) -> Path:
    """Download the four MNIST files into ``directory`` and check each one.

    Each file is fetched from the first mirror that serves it, written to a
    temporary file in the same folder, checked (gzip, IDX header, SHA-256 of the
    payload) and only then renamed to its final name, so that an interrupted or
    corrupted download never leaves a file that looks complete. Files already
    present are checked, not fetched again.

    Parameters
    ----------
    directory
        Destination folder, created if needed; the user cache folder (the last
        of :func:`candidate_dirs`) by default.
    mirrors
        Base URLs, each ending in ``/``, under which the four file names are
        served; ``file://`` URLs work too. By default the canonical mirrors,
        ``MIRRORS``.
    opener
        The function that opens a URL (``urllib.request.urlopen`` by default);
        it receives the URL and ``timeout=`` and returns a readable response.
    timeout
        Seconds to wait for each connection.

    Returns
    -------
    pathlib.Path
        The folder holding the four checked files.

    Raises
    ------
    OSError
        If no mirror served a file that passed its checks (no network, or only
        truncated or corrupted downloads); the message lists each mirror's
        problem and says where to put the files by hand.
    MNISTError
        If a file already in ``directory`` fails its checks.
    """
    if mirrors is None:
        mirrors = MIRRORS
    if isinstance(mirrors, str) or not mirrors:
        raise ValueError("mirrors must be a non-empty sequence of base URLs")
    check_callable(opener, "opener")
    timeout = check_real(timeout, "timeout", low=0.0, low_open=True)
    folder = Path(directory) if directory is not None else _cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for key, spec in FILES.items():
        target = folder / spec.name
        if target.is_file():
            _check_file(target, key)
            continue
        problems = []
        for base in mirrors:
            url = base + spec.name
            try:
                _fetch(url, target, key, opener, timeout)
                break
            except (OSError, urllib.error.URLError, MNISTError) as err:
                problems.append(f"{url}: {err}")
        else:
            raise OSError(
                f"could not download {spec.name}:\n  "
                + "\n  ".join(problems)
                + "\n"
                + _where_to_put_files()
            )
    return folder


def _fetch(
    url: str, target: Path, key: str, opener: Callable[..., Any], timeout: float
) -> None:
    """Download ``url`` next to ``target``, check it, then move it into place."""
    handle, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out, opener(url, timeout=timeout) as response:
            shutil.copyfileobj(response, out)
        _check_file(tmp, key, shown_name=target.name)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _check_file(path: Path, key: str, shown_name: str | None = None) -> np.ndarray:
    """Read ``path`` as the file ``key`` of :data:`FILES` and verify everything."""
    spec = FILES[key]
    name = shown_name or spec.name
    try:
        data = _gunzip(path)
    except MNISTError as err:
        raise MNISTError(str(err).replace(path.name, name, 1)) from None
    digest = hashlib.sha256(data).hexdigest()
    array = _parse_idx(data, name, spec.magic)
    expected_shape = (
        (spec.count, 28, 28) if spec.magic == IMAGES_MAGIC else (spec.count,)
    )
    if array.shape != expected_shape:
        raise MNISTError(
            f"{name} holds an array of shape {array.shape}; expected {expected_shape}"
        )
    if digest != spec.sha256:
        raise MNISTError(
            f"{name} is corrupted: the SHA-256 of its uncompressed payload is "
            f"{digest}, expected {spec.sha256} ({path})"
        )
    return array


def _where_to_put_files() -> str:
    names = ", ".join(f.name for f in FILES.values())
    dirs = " or ".join(str(d) for d in candidate_dirs())
    return (
        f"Put the four files ({names}) in {dirs}, or pass their folder as "
        "load_mnist(path=...)."
    )


def load_mnist(
    path: str | os.PathLike[str] | None = None, *, download: bool = True
) -> MNIST:
    """Load MNIST from the original gzip IDX files, verifying every file.

    Parameters
    ----------
    path
        Folder holding ``train-images-idx3-ubyte.gz``,
        ``train-labels-idx1-ubyte.gz``, ``t10k-images-idx3-ubyte.gz`` and
        ``t10k-labels-idx1-ubyte.gz``. ``None`` searches the folders of
        :func:`~histbp.mnist.candidate_dirs` and, if no folder holds all four,
        downloads them into the user cache.
    download
        Whether to try to download missing files when ``path`` is ``None``.

    Returns
    -------
    MNIST
        Images as ``uint8`` arrays ``(n, 28, 28)``, labels as ``uint8`` arrays.

    Raises
    ------
    FileNotFoundError
        If the files are not found (and cannot be downloaded); the message says
        where to put them.
    MNISTError
        If a file is truncated, corrupted (its payload's SHA-256 differs from the
        canonical one) or has a wrong header, or the counts disagree.

    References
    ----------
    Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010].

    Examples
    --------
    >>> mnist = load_mnist()  # doctest: +SKIP
    >>> mnist.train_images.shape, mnist.test_labels.dtype  # doctest: +SKIP
    ((60000, 28, 28), dtype('uint8'))
    """
    if not isinstance(download, bool):
        kind = type(download).__name__
        raise TypeError(f"download must be True or False, got {kind}")
    if path is not None:
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise FileNotFoundError(f"path {folder} is not a folder")
        missing = [f.name for f in FILES.values() if not (folder / f.name).is_file()]
        if missing:
            raise FileNotFoundError(
                f"path {folder} lacks {', '.join(missing)}. " + _where_to_put_files()
            )
    else:
        found = [d for d in candidate_dirs() if _has_all(d)]
        if found:
            folder = found[0]
        elif download:
            try:
                folder = download_mnist()
            except OSError as err:
                raise FileNotFoundError(
                    f"MNIST not found and the download failed: {err}"
                ) from None
        else:
            raise FileNotFoundError("MNIST not found. " + _where_to_put_files())
    arrays = {key: _check_file(folder / spec.name, key) for key, spec in FILES.items()}
    return MNIST(**arrays, path=folder)
