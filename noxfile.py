"""Developer tasks for histbp: build the site, check it, run the tests, lint.

Run ``python noxfile.py -s docs`` (or ``nox -s docs`` where nox is installed). When nox
is missing, running this file installs it into ``.nox/_bootstrap`` first, so a fresh
machine with Python 3.11+ and pip needs nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".nox" / "_bootstrap"


def _bootstrap_nox() -> None:
    """Make ``import nox`` work, installing nox (with uv) locally if needed."""
    try:
        import nox  # noqa: F401
    except ImportError:
        if not (BOOTSTRAP / "nox").is_dir():
            print(f"nox is not installed: installing it into {BOOTSTRAP}", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--root-user-action=ignore",
                    "--target",
                    str(BOOTSTRAP),
                    "nox[uv]>=2025.2.9",
                ],
                check=True,
            )
        sys.path.insert(0, str(BOOTSTRAP))
        bin_dir = BOOTSTRAP / "bin"
        os.environ["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"


if __name__ == "__main__":
    _bootstrap_nox()

import nox  # noqa: E402

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests", "docs"]
nox.options.reuse_venv = "yes"

PYPROJECT = nox.project.load_toml("pyproject.toml")
# One BLAS thread per process: the executed pages, the tests and the benchmarks do
# many small matrix products, which two threads on a shared 2-core machine slow
# down several times over, and the builds and tests already run one process per core.
ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
# uv leaves no bytecode where PYTHONDONTWRITEBYTECODE is set, which makes every
# kernel start of the executed pages slower; compile it at install time instead.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")


def _install(session: nox.Session, *groups: str) -> None:
    deps = [
        dep
        for group in groups
        for dep in nox.project.dependency_groups(PYPROJECT, group)
    ]
    session.install("-e", ".", *deps)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (extra arguments go to pytest)."""
    _install(session, "test")
    session.run("pytest", "-n", "auto", *session.posargs, env=ONE_THREAD)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site strictly, executing every cell (``-- cache`` reuses results).

    The HTML lands in ``docs/_build/html``. Warnings are errors, references are
    checked (``-n``), and a cell that raises fails the build. ``-- serial`` reads
    the pages in one process instead of one per core.
    """
    _install(session, "docs")
    mode = "cache" if "cache" in session.posargs else "force"
    # Force mode reads every page afresh (-E), so every cell runs, and reads them
    # in parallel processes, each running its pages' kernels. Cache
    # mode rebuilds only what changed and reuses the results of unchanged cells,
    # in one process: the cache's database does not take parallel writers.
    fresh = ["-E"] if mode == "force" else []
    # Three reading processes per core: Sphinx cuts the pages into a few fixed
    # runs, and with fewer processes the last run's kernels went on alone on one
    # core. Cold builds on 2 cores, same code, one after the other: -j 4 94 s,
    # -j 6 90-93 s (before the last cuts of the pages' cells).
    parallel = mode == "force" and "serial" not in session.posargs
    jobs = ["-j", str(3 * (os.cpu_count() or 1))] if parallel else []
    session.run(
        "sphinx-build",
        *fresh,
        *jobs,
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "-d",
        str(BUILD / "doctrees"),
        str(DOCS),
        str(BUILD / "html"),
        env={"HISTBP_NB_EXECUTION": mode, **ONE_THREAD},
    )
    session.log(f"Site built: {BUILD / 'html' / 'index.html'}")


@nox.session
def site(session: nox.Session) -> None:
    """Check that the strict build fails, naming the fault, on each kind of fault.

    Builds small copies of the site (tests/site/test_build_strictness.py).
    """
    _install(session, "site")
    session.run(
        "pytest",
        "tests/site",
        "-n",
        "auto",
        "-m",
        "site_build",
        *session.posargs,
        env=ONE_THREAD,
    )


@nox.session
def browser(session: nox.Session) -> None:
    """Check the built site in Chromium and the build's strictness (after ``docs``).

    Playwright drives the system's Chromium (``/usr/bin/chromium``, from Debian's
    ``chromium`` package, or ``HISTBP_CHROMIUM``); it never downloads a browser.
    axe-core, for the accessibility audit, comes from the npm registry (``npm ci``
    in ``tests/site``; Node.js and npm must be installed). Extra arguments go to
    pytest.
    """
    site_dir = BUILD / "html"
    if not (site_dir / "index.html").is_file():
        session.error(f"no site in {site_dir}: build it first (nox -s docs)")
    chromium = Path(os.environ.get("HISTBP_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.is_file():
        session.error(f"{chromium} is missing: apt-get install chromium")
    _install(session, "browser")
    # axe-core, for the accessibility audit, from the npm registry (package-lock.json
    # pins it); `npm ci` is quick when node_modules is already in place.
    axe = ROOT / "tests" / "site" / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        session.run(
            "npm",
            "ci",
            "--no-audit",
            "--no-fund",
            "--prefix",
            "tests/site",
            external=True,
        )
    session.run(
        "pytest",
        "tests/site",
        "-n",
        "auto",
        *session.posargs,
        env={"HISTBP_SITE_TESTS": "1", "HISTBP_CHROMIUM": str(chromium), **ONE_THREAD},
    )


DIST = ROOT / "dist"


@nox.session
def build(session: nox.Session) -> None:
    """Build the wheel and the sdist into ``dist/`` and check them as PyPI would.

    The release workflow (``.github/workflows/release.yml``) runs this same session
    before it publishes; ``-- --tag vX.Y.Z`` also checks that the tag names the
    version being built.
    """
    session.install(*nox.project.dependency_groups(PYPROJECT, "build"))
    shutil.rmtree(DIST, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(DIST), str(ROOT))
    built = sorted(DIST.iterdir())
    session.run("twine", "check", "--strict", *map(str, built))
    session.run(
        "python", str(ROOT / ".ci" / "check_dist.py"), str(DIST), *session.posargs
    )


@nox.session(reuse_venv=False)
def downloads(session: nox.Session) -> None:
    """Run every downloaded ``.py`` and ``.ipynb`` of the built site from the wheel.

    A fresh environment gets the wheel from ``dist/`` (``nox -s build``) with its
    ``examples`` extra, never the source tree, then runs each page's script and
    notebook as a reader would (after ``nox -s docs``). Extra arguments go to pytest.
    """
    wheels = sorted(DIST.glob("histbp-*.whl"))
    if len(wheels) != 1:
        session.error(f"expected one wheel in {DIST}, found {wheels}: run nox -s build")
    if not (BUILD / "html" / "_sources").is_dir():
        session.error(f"no site in {BUILD / 'html'}: build it first (nox -s docs)")
    session.install(
        f"histbp[examples] @ {wheels[0].as_uri()}",
        *nox.project.dependency_groups(PYPROJECT, "downloads"),
    )
    session.run(
        "pytest",
        "tests/downloads",
        "-n",
        "auto",
        "-p",
        "no:cacheprovider",
        *session.posargs,
        env={
            "HISTBP_DOWNLOAD_TESTS": "1",
            "HISTBP_WHEEL": str(wheels[0]),
            **ONE_THREAD,
        },
    )


@nox.session
def reproduce(session: nox.Session) -> None:
    """Run ``benchmarks/reproduce_mnist.py`` (extra arguments go to the script).

    The data come from ``HISTBP_DATA``; where it is not set, from the shared data
    folder ``../shared/data`` beside the repository, if there is one.
    """
    # numpy for the training; matplotlib because the script ends by drawing its
    # learning curve (benchmarks/reproduce_mnist.py, _plot).
    session.install(".", "numpy", "matplotlib")
    env = dict(ONE_THREAD)
    shared = ROOT.parent / "shared" / "data"
    if not os.environ.get("HISTBP_DATA") and shared.is_dir():
        env["HISTBP_DATA"] = str(shared.resolve())
    session.run("python", "benchmarks/reproduce_mnist.py", *session.posargs, env=env)


@nox.session(name="reproduce-history-compressor")
def reproduce_history_compressor(session: nox.Session) -> None:
    """Run ``benchmarks/reproduce_history_compressor.py`` (arguments go to it)."""
    session.install(".")
    session.run(
        "python",
        "benchmarks/reproduce_history_compressor.py",
        *session.posargs,
        env=ONE_THREAD,
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks (ratios in one run) and write ``benchmarks/results/``.

    Extra arguments go to ``benchmarks/run.py``, e.g. ``-- --only scalar_chain``.
    """
    _install(session, "bench")
    session.run("python", "benchmarks/run.py", *session.posargs, env=ONE_THREAD)


@nox.session
def lint(session: nox.Session) -> None:
    """Check the code with ruff."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


if __name__ == "__main__":
    sys.exit(nox.main())
