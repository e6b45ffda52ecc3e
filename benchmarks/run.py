"""Run the benchmarks: every ``benchmarks/bench_*.py``, one fresh interpreter each.

    python benchmarks/run.py                  # all workloads, about 3 minutes
    python benchmarks/run.py --only fan       # a subset (repeat or comma-separate)
    python benchmarks/run.py --quick          # smoke mode: tiny sizes, nothing kept
    python benchmarks/run.py --render         # rewrite summary.md and docs from JSON

A full run writes ``benchmarks/results/<name>.json`` per workload, the combined
``benchmarks/results/summary.md``, and the results section of
``docs/performance.md`` (between its ``results:start``/``results:end`` markers).
``--quick`` writes to a temporary directory (or ``--out``) and leaves the committed
results and the docs alone.

A workload module follows the contract of ``benchmarks/README.md`` when it defines
``main(argv=None) -> dict``; it is imported and called with ``--quick`` and
``--rounds`` as needed. A module without it is run as a script (``runpy``) and its
``benchmarks/results/<name>.json`` is read afterwards; such a module is skipped by
``--quick``, since it cannot be told to be quick.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import importlib.util
import json
import os
import resource
import runpy
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DOCS_PAGE = ROOT / "docs" / "performance.md"
START_MARK = "<!-- results:start -->"
END_MARK = "<!-- results:end -->"

if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
if importlib.util.find_spec("histbp") is None:  # not installed: use the checkout
    sys.path.insert(1, str(ROOT))

import _protocol as P  # noqa: E402


class Skipped(Exception):
    """A workload that cannot run in the requested mode."""


# -- discovery and running one workload -------------------------------------------


def discover(bench_dir: Path = BENCH_DIR) -> dict[str, Path]:
    """``{name: path}`` of every ``bench_<name>.py``, in file-name order."""
    return {
        path.stem.removeprefix("bench_"): path
        for path in sorted(bench_dir.glob("bench_*.py"))
    }


def has_main_argv(path: Path) -> bool:
    """Whether the module defines ``main`` taking an argument (read, not run)."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "main":
            a = node.args
            return bool(a.posonlyargs or a.args or a.vararg)
    return False


def load(path: Path) -> Any:
    """Import a workload module from its file."""
    spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_workload(
    path: Path, quick: bool = False, rounds: int | None = None
) -> dict[str, Any]:
    """Run one workload in this interpreter and return its result dict."""
    name = path.stem.removeprefix("bench_")
    if has_main_argv(path):
        argv = (["--quick"] if quick else []) + (
            ["--rounds", str(rounds)] if rounds else []
        )
        result = load(path).main(argv)
        if not isinstance(result, dict):
            raise TypeError(f"{path.name}: main() returned {type(result).__name__}")
        return result
    if quick:
        raise Skipped(f"{path.name} has no main(argv), so it cannot run --quick")
    saved = sys.argv
    sys.argv = [str(path)]
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = saved
    written = RESULTS_DIR / f"{name}.json"
    if not written.is_file():
        raise FileNotFoundError(f"{path.name} ran but wrote no {written}")
    return json.loads(written.read_text("utf-8"))


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in P.THREAD_VARIABLES:
        env[var] = "1"
    paths = [str(BENCH_DIR)]
    if str(ROOT) in sys.path:
        paths.append(str(ROOT))
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def run_isolated(
    name: str, path: Path, quick: bool, rounds: int | None
) -> tuple[str, dict[str, Any] | str]:
    """Run one workload in a fresh interpreter: ``("ok", result)`` or a failure."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.json"
        cmd = [sys.executable, __file__, "--worker", name, "--result-file", str(out)]
        cmd += (["--quick"] if quick else []) + (
            ["--rounds", str(rounds)] if rounds else []
        )
        done = subprocess.run(cmd, env=_child_env(), check=False)
        if done.returncode == 3:
            return "skipped", out.read_text("utf-8") if out.is_file() else ""
        if done.returncode != 0 or not out.is_file():
            return "failed", f"exit status {done.returncode}"
        return "ok", json.loads(out.read_text("utf-8"))


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (AttributeError, OSError):
        return "unknown"


# -- summary and docs ------------------------------------------------------------


def _order(item: tuple[str, dict[str, Any]]) -> tuple[int, str]:
    number = item[1].get("workload")
    return (number if isinstance(number, int) else 99, item[0])


def read_results(
    directory: Path, names: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """The ``<name>.json`` of a results directory, in workload order.

    With ``names``, only those (the workloads of ``bench_*.py``); other JSON files,
    written there by other scripts, are left out.
    """
    found = {}
    for path in sorted(directory.glob("*.json")):
        if names is not None and path.stem not in names:
            continue
        try:
            found[path.stem] = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError:
            continue
    return dict(sorted(found.items(), key=_order))


def _targets_met(result: dict[str, Any]) -> str:
    judged = [t["met"] for t in result.get("targets") or [] if t.get("met") is not None]
    if not judged:
        return "n/a"
    return f"{sum(judged)}/{len(judged)}"


def _date(result: dict[str, Any]) -> str:
    """The result's date as ``YYYY-MM-DD HH:MM UTC`` (ISO dates converted)."""
    env = result.get("environment") or result.get("machine") or {}
    text = str(result.get("date") or env.get("date") or "?")
    if len(text) <= 10:  # a day without a time: keep it as it is
        return text
    try:
        when = datetime.datetime.fromisoformat(text.removesuffix(" UTC"))
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone(datetime.UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _elapsed(result: dict[str, Any]) -> str:
    runner = result.get("runner") or {}
    value = runner.get("wall_s", result.get("elapsed_s", result.get("wall_seconds")))
    text = P.fmt(float(value)) if isinstance(value, int | float) else "?"
    if isinstance(runner.get("cpu_s"), int | float):
        text += f" ({P.fmt(float(runner['cpu_s']))} CPU)"
    return text


def overview(results: dict[str, dict[str, Any]]) -> str:
    """The table of workloads: targets met, date, wall time."""
    rows = [
        [
            r.get("workload", ""),
            P.title_of(r, name),
            f"{name}.json",
            _targets_met(r),
            _date(r),
            _elapsed(r),
        ]
        for name, r in results.items()
    ]
    return P.markdown_table(
        ["#", "workload", "file", "targets met", "date", "wall time (s)"],
        rows,
    )


def _reference_environment(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    for r in results.values():
        env = r.get("environment") or {}
        if {"cpu", "python", "numpy"} <= set(env) and isinstance(env.get("blas"), list):
            return env
    return {}


def summary_markdown(
    results: dict[str, dict[str, Any]],
    run_info: dict[str, Any] | None = None,
    others: Sequence[str] = (),
) -> str:
    """``summary.md``: the overview, then every workload's tables."""
    env = _reference_environment(results)
    parts = [
        "# Benchmark results",
        "",
        "Written by `benchmarks/run.py` from the JSON files beside this one; see "
        "`benchmarks/README.md` for the protocol and the targets.",
        "",
    ]
    if env:
        parts += [P.md(f"Machine: {P.describe_machine(env)}."), ""]
    if run_info:
        parts += [P.md(run_info["line"]), ""]
    parts += [overview(results), ""]
    if others:
        parts += [
            P.md(
                "Other result files in this directory, written by other scripts and "
                f"not shown here: {', '.join(others)}."
            ),
            "",
        ]
    for result in results.values():
        parts.append(P.render_result(result, level=2))
    return "\n".join(parts).rstrip() + "\n"


RUN_LINE = "Last run of run.py:"


def previous_run_line(summary: Path) -> str | None:
    """The run line of an existing ``summary.md`` (kept by ``--render``)."""
    if not summary.is_file():
        return None
    for line in summary.read_text("utf-8").splitlines():
        if line.startswith(RUN_LINE):
            return line.replace("\\", "")  # undo the Markdown escapes
    return None


def write_reports(out: Path, line: str | None, docs: bool) -> None:
    """Write ``summary.md`` (and the docs section) from the JSON files in ``out``."""
    names = list(discover())
    results = read_results(out, names)
    others = sorted(p.name for p in out.glob("*.json") if p.stem not in names)
    info = {"line": line} if line else None
    (out / "summary.md").write_text(summary_markdown(results, info, others), "utf-8")
    print(f"written: {out / 'summary.md'}")
    if docs:
        if update_docs(results):
            print(f"updated: {DOCS_PAGE}")
        else:
            print(f"not updated (no page or no markers): {DOCS_PAGE}")


def docs_section(results: dict[str, dict[str, Any]]) -> str:
    """The generated part of ``docs/performance.md``."""
    env = _reference_environment(results)
    dates = sorted(_date(r) for r in results.values())
    parts = [""]
    if dates:
        span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
        parts += [P.md(f"Last committed results: measured {span}."), ""]
    if env:
        parts += [
            P.md(
                f"Machine: {P.describe_machine(env)}; OPENBLAS_NUM_THREADS="
                f"{env.get('thread_variables', {}).get('OPENBLAS_NUM_THREADS')}."
            ),
            "",
        ]
    parts += [overview(results), ""]
    for result in results.values():
        parts.append(P.render_result(result, level=3, compact=True))
    return "\n".join(parts).rstrip() + "\n"


def update_docs(results: dict[str, dict[str, Any]], page: Path = DOCS_PAGE) -> bool:
    """Replace the text between the markers of ``page``; ``False`` if no markers."""
    if not page.is_file():
        return False
    text = page.read_text("utf-8")
    start, end = text.find(START_MARK), text.find(END_MARK)
    if start < 0 or end < start:
        return False
    new = text[: start + len(START_MARK)] + "\n" + docs_section(results) + text[end:]
    if new != text:
        page.write_text(new, "utf-8")
    return True


# -- command line ---------------------------------------------------------------


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only these workloads (repeatable, or comma-separated)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke mode")
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds")
    parser.add_argument(
        "--out", type=Path, default=None, help="results directory (JSON, summary.md)"
    )
    parser.add_argument("--no-docs", action="store_true", help="leave the docs alone")
    parser.add_argument(
        "--in-process", action="store_true", help="no fresh interpreter per workload"
    )
    parser.add_argument("--list", action="store_true", help="list the workloads")
    parser.add_argument(
        "--render",
        action="store_true",
        help="run nothing: rewrite summary.md and the docs from the JSON files",
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument(
        "--result-file", type=Path, default=None, help=argparse.SUPPRESS
    )
    return parser.parse_args(list(argv) if argv is not None else None)


def _worker(args: argparse.Namespace) -> int:
    path = discover()[args.worker]
    try:
        result = run_workload(path, args.quick, args.rounds)
    except Skipped as why:
        args.result_file.write_text(str(why), "utf-8")
        return 3
    P.write_json(result, args.result_file)
    return 0


def select(names: Sequence[str], available: dict[str, Path]) -> dict[str, Path]:
    """The workloads named by ``--only`` (with or without ``bench_``)."""
    wanted = [
        n.strip().removeprefix("bench_").removesuffix(".py")
        for group in names
        for n in group.split(",")
        if n.strip()
    ]
    unknown = [n for n in wanted if n not in available]
    if unknown:
        raise SystemExit(
            f"unknown workload(s) {', '.join(unknown)}; "
            f"available: {', '.join(available)}"
        )
    return {n: p for n, p in available.items() if not wanted or n in wanted}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    if args.worker:
        return _worker(args)
    available = discover()
    if args.list:
        for name, path in available.items():
            kind = "main(argv)" if has_main_argv(path) else "script"
            print(f"{name:<20} {path.name} ({kind})")
        return 0
    if args.render:
        out = args.out or RESULTS_DIR
        line = previous_run_line(out / "summary.md")
        write_reports(out, line, not args.no_docs and out == RESULTS_DIR)
        return 0
    chosen = select(args.only, available)
    if args.out is not None:
        out = args.out
    elif args.quick:
        out = Path(tempfile.mkdtemp(prefix="histbp-bench-"))
    else:
        out = RESULTS_DIR
    out.mkdir(parents=True, exist_ok=True)
    for var in P.THREAD_VARIABLES:
        if os.environ.get(var) != "1":
            print(f"note: {var} is {os.environ.get(var)!r}; the workloads get 1")

    started = time.perf_counter()
    cpu_total = 0.0
    failures = []
    for name, path in chosen.items():
        print(f"[{name}] running ...", flush=True)
        t0, cpu0 = time.perf_counter(), _cpu_seconds()
        if args.in_process:
            try:
                status, payload = "ok", run_workload(path, args.quick, args.rounds)
            except Skipped as why:
                status, payload = "skipped", str(why)
        else:
            status, payload = run_isolated(name, path, args.quick, args.rounds)
        took = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
        cpu_total += cpu
        if status == "ok":
            payload["runner"] = {
                "wall_s": round(took, 2),
                "cpu_s": round(cpu, 2),
                "isolated": not args.in_process,
            }
            P.write_json(payload, out / f"{name}.json")
            print(f"[{name}] done in {took:.1f} s ({cpu:.1f} s CPU)", flush=True)
        else:
            print(f"[{name}] {status}: {payload}", flush=True)
            if status == "failed":
                failures.append(name)
    total = time.perf_counter() - started

    line = (
        f"Last run of run.py: {len(chosen)} workload(s) "
        f"({', '.join(chosen)}), {total:.0f} s wall time, {cpu_total:.0f} s CPU "
        f"time; load average {_load()} at the end"
        + (" (--quick)" if args.quick else "")
        + "."
    )
    print(f"{line}\nwritten: {out}/<name>.json")
    write_reports(out, line, not args.quick and not args.no_docs and out == RESULTS_DIR)
    if failures:
        print(f"FAILED: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
