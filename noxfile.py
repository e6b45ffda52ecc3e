"""Developer tasks for histbp: build the site, run the tests, lint.

Run ``python noxfile.py -s docs`` (or ``nox -s docs`` where nox is installed). When nox
is missing, running this file installs it into ``.nox/_bootstrap`` first, so a fresh
machine with Python 3.11+ and pip needs nothing else.
"""

from __future__ import annotations

import os
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
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site strictly, executing every cell (``-- cache`` reuses results).

    The HTML lands in ``docs/_build/html``. Warnings are errors, references are
    checked (``-n``), and a cell that raises fails the build.
    """
    _install(session, "docs")
    mode = "cache" if "cache" in session.posargs else "force"
    # Force mode reads every page afresh (-E), so every cell runs; cache mode
    # rebuilds only what changed and reuses the results of unchanged cells.
    fresh = ["-E"] if mode == "force" else []
    session.run(
        "sphinx-build",
        *fresh,
        "-W",
        "--keep-going",
        "-n",
        "-b",
        "html",
        "-d",
        str(BUILD / "doctrees"),
        str(DOCS),
        str(BUILD / "html"),
        env={"HISTBP_NB_EXECUTION": mode},
    )
    session.log(f"Site built: {BUILD / 'html' / 'index.html'}")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks (ratios in one run) and write ``benchmarks/results/``.

    Extra arguments go to ``benchmarks/run.py``, e.g. ``-- --only scalar_chain``.
    """
    _install(session, "bench")
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    session.run("python", "benchmarks/run.py", *session.posargs, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """Check the code with ruff."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


if __name__ == "__main__":
    sys.exit(nox.main())
