"""Check the built wheel and sdist in a folder before they are published.

Usage: ``python .ci/check_dist.py DIST [--tag vX.Y.Z]``. Run by ``nox -s build``
(in CI and in the release workflow), after ``twine check``. It fails, naming the
fault, when the two files disagree on the version, when the version is not
``histbp.__version__`` of the source tree, when a release tag names another
version, or when the wheel lacks the package, its data, its licence or its
``examples`` extra.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION_LINE = re.compile(r'^__version__ = "([^"]+)"$', re.M)
# What a reader's install must hold: the registry, the engine, the data tasks.
WHEEL_MUST_HOLD = ("histbp/__init__.py", "histbp/timeline.py", "histbp/data.py")
SDIST_MUST_HOLD = (
    "README.md",
    "LICENSE",
    "references.bib",
    "pyproject.toml",
    "histbp/timeline.py",
)


def source_version() -> str:
    """The version written once, in ``histbp/__init__.py``."""
    text = (ROOT / "histbp" / "__init__.py").read_text(encoding="utf-8")
    found = VERSION_LINE.search(text)
    if found is None:
        raise SystemExit("histbp/__init__.py has no __version__ line")
    return found.group(1)


def wheel_faults(wheel: Path, version: str) -> list[str]:
    """What is wrong with the wheel, as sentences (empty when nothing is)."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta_name = f"histbp-{version}.dist-info/METADATA"
        if meta_name not in names:
            return [f"{wheel.name} has no {meta_name}: is its version {version}?"]
        metadata = Parser().parsestr(archive.read(meta_name).decode("utf-8"))
    faults = [
        f"{wheel.name} lacks {name}" for name in WHEEL_MUST_HOLD if name not in names
    ]
    faults += [
        f"{wheel.name} holds tests: {n}" for n in names if n.startswith("tests/")
    ]
    if not any(
        n.startswith(f"histbp-{version}.dist-info/") and n.endswith("LICENSE")
        for n in names
    ):
        faults.append(f"{wheel.name} carries no LICENSE in its dist-info")
    if metadata["Version"] != version:
        faults.append(f"{wheel.name} says version {metadata['Version']}, not {version}")
    if "examples" not in metadata.get_all("Provides-Extra", []):
        faults.append(f"{wheel.name} declares no 'examples' extra")
    return faults


def sdist_faults(sdist: Path, version: str) -> list[str]:
    """What is wrong with the sdist, as sentences (empty when nothing is)."""
    top = f"histbp-{version}"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
    return [
        f"{sdist.name} lacks {top}/{name}"
        for name in SDIST_MUST_HOLD
        if f"{top}/{name}" not in names
    ]


def tag_fault(tag: str, version: str) -> str | None:
    """Why a release tag does not fit the version, or None when it is ``v<version>``."""
    if tag == f"v{version}":
        return None
    return f"the tag {tag} does not name the version v{version}"


def main(argv: list[str] | None = None) -> int:
    """Check the folder's wheel and sdist; print each fault; 0 when there is none."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    parser.add_argument("--tag", help="the release tag, which must be v<version>")
    args = parser.parse_args(argv)
    version = source_version()
    wheels = sorted(args.dist.glob("histbp-*.whl"))
    sdists = sorted(args.dist.glob("histbp-*.tar.gz"))
    faults = []
    if len(wheels) != 1 or len(sdists) != 1:
        faults.append(f"expected one wheel and one sdist in {args.dist}")
    faults += [f for wheel in wheels for f in wheel_faults(wheel, version)]
    faults += [f for sdist in sdists for f in sdist_faults(sdist, version)]
    if args.tag is not None and (fault := tag_fault(args.tag, version)):
        faults.append(fault)
    for fault in faults:
        print(f"check_dist: {fault}", file=sys.stderr)
    if not faults:
        names = ", ".join(path.name for path in wheels + sdists)
        print(f"check_dist: histbp {version}: {names}")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
