"""The measuring protocol shared by every benchmark (see benchmarks/README.md).

- Variants are timed in interleaved rounds, A, B, C, A, B, C, ...: a slow spell of the
  shared machine then hits every variant of the round, and the per-round ratios cancel
  it out.
- Before each timing ``gc.collect()`` runs; the garbage collector is disabled
  inside it, so a collection triggered by another variant's garbage is never
  charged to this one. A timing may be split into laps (forward, backward).
- At least 21 rounds (after one untimed warm-up round); the report gives the median
  time and the median of the per-round ratios with their 10th and 90th percentiles.
- BLAS runs on one thread, the environment (Python, numpy, BLAS, CPU) is logged, and
  a 200x200 ``np.dot`` is timed in every workload's rounds as a machine-speed control.

A variant is a function of a :class:`Clock`; it times one or several regions::

    def variant(clock):
        with clock.laps():
            with clock("forward"):
                y, back = vjp(f, x)
            with clock("backward"):
                back(1.0)

``clock.call(label, fn, number)`` times ``number`` calls of ``fn`` in one region and
records the time per call, for functions too fast to time one call at a time.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import gc
import importlib
import importlib.metadata
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROUNDS = 21
QUICK_ROUNDS = 3
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
PROTOCOL_TEXT = (
    "variants interleaved in each round (A, B, C, A, B, C, ...); gc.collect() before "
    "each timing and the garbage collector disabled during it (a forward/backward "
    "pair is one timing with two laps); one untimed "
    "warm-up round, then {rounds} timed rounds; median time, and median of the "
    "per-round ratios with their 10th-90th percentiles; BLAS on one thread"
)

Variant = Callable[["Clock"], Any]


# -- timing -----------------------------------------------------------------------


class Clock:
    """Times the regions of one variant in one round.

    Each region is one timing: ``gc.collect()`` first, the collector disabled
    inside. Inside ``with clock.laps():`` the regions are laps of a single timing
    instead: one collection before the first, the collector disabled throughout, so
    that the graph built in a forward lap is not traversed by a collection before
    the backward lap (its garbage is not charged to either lap).
    """

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._in_laps = False

    @contextlib.contextmanager
    def laps(self) -> Iterator[None]:
        """One timing made of several regions (laps)."""
        gc.collect()
        was_enabled = gc.isenabled()
        gc.disable()
        self._in_laps = True
        try:
            yield
        finally:
            self._in_laps = False
            if was_enabled:
                gc.enable()

    @contextlib.contextmanager
    def __call__(self, label: str, number: int = 1) -> Iterator[None]:
        """Time the ``with`` block as region ``label`` (``number`` calls inside)."""
        if self._in_laps:
            start = time.perf_counter()
            yield
            self.times[label] = (time.perf_counter() - start) / number
            return
        gc.collect()
        was_enabled = gc.isenabled()
        gc.disable()
        start = time.perf_counter()
        try:
            yield
        finally:
            stop = time.perf_counter()
            if was_enabled:
                gc.enable()
        self.times[label] = (stop - start) / number

    def call(self, label: str, fn: Callable[[], Any], number: int = 1) -> None:
        """Time ``number`` calls of ``fn`` as region ``label`` (time per call)."""
        with self(label, number):
            for _ in range(number):
                fn()


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """The state of the collector during the rounds.

    Everything alive before the rounds (modules, data, the variants' inputs) is
    collected once and moved to the permanent generation, so the ``gc.collect()``
    before each timing does not traverse it again; it stays alive throughout, so
    no garbage is missed. Automatic collection is off during the rounds: all
    garbage is collected by the explicit ``gc.collect()`` calls, before timings,
    never at a random point of a variant (micrograd's graphs are cyclic garbage of
    half a million objects, which an automatic collection would otherwise traverse
    at unpredictable moments).
    """
    gc.collect()
    gc.freeze()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.unfreeze()
        gc.collect()


def interleave(
    variants: dict[str, Variant], rounds: int, warmup: int = 1
) -> dict[str, dict[str, list[float]]]:
    """Run the variants in interleaved rounds and collect their region times.

    Returns ``times[variant][region]``, one time (seconds) per timed round.
    """
    times: dict[str, dict[str, list[float]]] = {name: {} for name in variants}
    with frozen():
        for r in range(warmup + rounds):
            for name, run in variants.items():
                clock = Clock()
                run(clock)
                if r >= warmup:
                    for label, t in clock.times.items():
                        times[name].setdefault(label, []).append(t)
    return times


def calibrate(fn: Callable[[], Any], min_time: float = 2e-3) -> int:
    """Number of calls of ``fn`` (1, 2, 5, 10, 20, ...) that last ``min_time``."""
    fn()
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= min_time or number >= 10**6:
            return number
        number = number * 2 if str(number)[0] in "15" else number * 5 // 2


def control_variant(size: int = 200, seed: int = 0) -> Variant:
    """The machine-speed control: ``np.dot`` of two ``size`` x ``size`` matrices."""
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((size, size))
    b = rng.standard_normal((size, size))
    number = calibrate(lambda: np.dot(a, b), 1e-3)

    def control(clock: Clock) -> None:
        clock.call("dot", lambda: np.dot(a, b), number)

    return control


def total(times: dict[str, list[float]], labels: Sequence[str]) -> list[float]:
    """Per-round sum of several regions of one variant."""
    return [sum(ts) for ts in zip(*(times[label] for label in labels), strict=True)]


# -- statistics -------------------------------------------------------------------


def stats(values: Sequence[float]) -> dict[str, float]:
    """Median and 10th/90th percentiles of ``values``."""
    v = np.asarray(values, dtype=float)
    p10, median, p90 = np.percentile(v, [10, 50, 90])
    return {"median": float(median), "p10": float(p10), "p90": float(p90)}


def ratio(num: Sequence[float], den: Sequence[float]) -> dict[str, float]:
    """Median and 10th/90th percentiles of the per-round ratios ``num / den``."""
    return stats([a / b for a, b in zip(num, den, strict=True)])


def fmt(x: float | None, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits, without exponent where sensible."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 6 or magnitude <= -4:
        return f"{x:.{digits - 1}e}"
    decimals = max(0, digits - 1 - magnitude)
    return f"{x:.{decimals}f}"


def fmt_ratio(s: dict[str, float] | None, digits: int = 3) -> str:
    """``median (p10-p90)`` of a :func:`stats` dict."""
    if s is None:
        return "n/a"
    return f"{fmt(s['median'], digits)} ({fmt(s['p10'], digits)}-{fmt(s['p90'], 3)})"


def fmt_n(n: int) -> str:
    """``10^k`` for a power of ten, else the integer."""
    k = round(math.log10(n)) if n > 0 else 0
    return f"10^{k}" if n == 10**k and k >= 2 else str(n)


# -- environment --------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _blas() -> list[dict[str, Any]]:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        keep = ("name", "version", "openblas configuration")
        return [
            {"source": "numpy.show_config (threadpoolctl not installed)"}
            | {k: blas[k] for k in keep if k in blas}
        ]
    keys = ("internal_api", "version", "num_threads", "threading_layer", "architecture")
    return [
        {k: pool.get(k) for k in keys}
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
    ]


def pin_blas() -> Any:
    """Limit BLAS to one thread (also when ``OPENBLAS_NUM_THREADS`` came too late).

    Returns the ``threadpoolctl`` limiter, whose ``restore_original_limits()``
    undoes it, or ``None`` without threadpoolctl.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(1, user_api="blas")


def environment() -> dict[str, Any]:
    """Date, machine, interpreter and library versions, thread settings."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "numpy": np.__version__,
        "blas": _blas(),
        "thread_variables": {name: os.environ.get(name) for name in THREAD_VARIABLES},
        "packages": {
            name: _version(name)
            for name in ("histbp", "micrograd", "autograd", "threadpoolctl")
        },
        "recursion_limit": sys.getrecursionlimit(),
        "load_average_1min": _load(),
    }


def describe_machine(env: dict[str, Any]) -> str:
    """One line: CPU, cores, Python, numpy and BLAS of an :func:`environment`."""
    blas = env.get("blas") or []
    if blas:
        b = blas[0]
        name = b.get("internal_api") or b.get("name") or "BLAS"
        threads = b.get("num_threads")
        blas_text = f"{name} {b.get('version') or ''}".strip()
        if threads is not None:
            blas_text += f" ({threads} thread{'s' if threads != 1 else ''})"
    else:
        blas_text = "BLAS unknown"
    text = (
        f"{env.get('cpu')}, {env.get('cores')} cores; Python {env.get('python')}, "
        f"numpy {env.get('numpy')}, {blas_text}"
    )
    if env.get("load_average_1min") is not None:
        text += f"; load average {env['load_average_1min']} at the start"
    return text


def optional(module: str) -> Any | None:
    """Import a peer package, or return ``None`` when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# -- command line and result files ------------------------------------------------


def parse_args(argv: Sequence[str] | None, description: str) -> argparse.Namespace:
    """The options every workload accepts: ``--quick``, ``--rounds``, ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="smoke mode: tiny sizes, 3 rounds"
    )
    parser.add_argument("--rounds", type=int, default=None, help="timed rounds")
    parser.add_argument("--out", type=Path, default=None, help="write the JSON here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.rounds is None:
        args.rounds = QUICK_ROUNDS if args.quick else ROUNDS
    return args


class Result:
    """Builds the result dict of one workload (the contract in README.md)."""

    def __init__(self, name: str, number: int | None, title: str, args: Any) -> None:
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        self.limiter = pin_blas()
        self.out = args.out
        self.data: dict[str, Any] = {
            "name": name,
            "workload": number,
            "title": title,
            "quick": bool(args.quick),
            "environment": environment(),
            "protocol": PROTOCOL_TEXT.format(rounds=args.rounds),
            "rounds": args.rounds,
            "control": None,
            "tables": [],
            "targets": [],
            "verdict": "",
            "notes": [],
            "measurements": {},
        }

    def control(self, times: dict[str, list[float]]) -> None:
        """Record the machine-speed control from its interleaved times."""
        s = stats(times["dot"])
        self.data["control"] = {
            "what": "np.dot of two 200x200 float64 matrices, in this workload's rounds",
            "median_ms": s["median"] * 1e3,
            "p10_ms": s["p10"] * 1e3,
            "p90_ms": s["p90"] * 1e3,
        }

    def table(
        self,
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        notes: Sequence[str] = (),
    ) -> None:
        """Add a readable table (cells are strings)."""
        self.data["tables"].append(
            {
                "title": title,
                "columns": list(columns),
                "rows": [[str(c) for c in row] for row in rows],
                "notes": list(notes),
            }
        )

    def target(
        self, target: str, measured: str, met: bool | None, exact: bool = False
    ) -> None:
        """Add a target from benchmarks/README.md with the measured figure.

        ``met`` is ``None`` when not judged. In quick mode only ``exact`` targets
        (correctness, exact counts) are judged: the sizes are not the targets'.
        """
        if self.data["quick"] and not exact:
            met = None
        self.data["targets"].append(
            {"target": target, "measured": measured, "met": met}
        )

    def note(self, text: str) -> None:
        """Add a note (a caveat, a choice made, a skipped case)."""
        self.data["notes"].append(text)

    def finish(self, verdict: str) -> dict[str, Any]:
        """Set the one-sentence verdict and the workload's wall time."""
        if self.data["quick"]:
            for lead in ("Met: ", "Not met: ", "Not all met: "):
                verdict = verdict.removeprefix(lead)
            verdict = "Quick run (small sizes, targets not judged): " + verdict
        self.data["verdict"] = verdict
        self.data["elapsed_s"] = round(time.perf_counter() - self.started, 2)
        self.data["cpu_s"] = round(time.process_time() - self.cpu_started, 2)
        if self.limiter is not None:
            self.limiter.restore_original_limits()
        if self.out is not None:
            write_json(self.data, self.out)
        return self.data


def write_json(result: dict[str, Any], path: Path) -> None:
    """Write a result dict as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n", "utf-8")


# -- rendering ----------------------------------------------------------------------

_MARKDOWN_SPECIALS = str.maketrans(
    {"*": "\\*", "`": "\\`", "$": "\\$", "<": "\\<", "_": "\\_", "|": "\\|"}
)


def md(text: Any) -> str:
    """Plain text made safe for Markdown/MyST (no emphasis, math or HTML)."""
    return str(text).replace("\n", " ").translate(_MARKDOWN_SPECIALS)


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub/MyST pipe table of plain-text cells."""
    lines = [
        "| " + " | ".join(md(c) for c in columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
    ]
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def met_text(met: bool | None) -> str:
    """``met``, ``NOT met`` or ``n/a``."""
    return {True: "met", False: "NOT met", None: "n/a"}[met]


def follows_contract(result: dict[str, Any]) -> bool:
    """Whether a result dict has the fields of the contract (README.md)."""
    return isinstance(result.get("tables"), list) and "targets" in result


def title_of(result: dict[str, Any], name: str = "") -> str:
    """The workload's title, also for results written outside the contract."""
    for key in ("title", "benchmark", "subject"):
        if isinstance(result.get(key), str):
            return result[key]
    return result.get("name", name)


def _is_stats(value: Any) -> bool:
    return isinstance(value, dict) and {"median", "p10", "p90"} <= set(value)


def _label(item: Any, index: int) -> str:
    if isinstance(item, dict):
        for key in ("name", "label", "steps", "n", "size", "N"):
            if isinstance(item.get(key), int | float | str):
                return f"{key}={item[key]}"
    return str(index)


_SKIP = {"environment", "machine", "tables", "targets", "notes", "date", "protocol"}


def flatten(result: dict[str, Any], stats_only: bool = False) -> list[list[str]]:
    """``[path, value]`` rows of a nested result; stats dicts become one value.

    A dict with ``median``, ``p10`` and ``p90`` is shown as ``median (p10-p90)``;
    list items are labelled by a key such as ``steps`` or ``name`` when they have
    one. With ``stats_only``, only those stats and top-level scalars are kept.
    """
    rows: list[list[str]] = []

    def walk(value: Any, path: str, depth: int) -> None:
        if _is_stats(value):
            rows.append([path, fmt_ratio(value)])
        elif isinstance(value, dict):
            for key, sub in value.items():
                if depth == 0 and key in _SKIP:
                    continue
                walk(sub, f"{path}.{key}" if path else str(key), depth + 1)
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            for i, sub in enumerate(value):
                walk(sub, f"{path}[{_label(sub, i)}]", depth + 1)
        elif stats_only and depth > 1:
            return
        elif isinstance(value, float):
            rows.append([path, fmt(value, 4)])
        elif isinstance(value, list):
            rows.append([path, ", ".join(str(v) for v in value)])
        else:
            rows.append([path, str(value)])

    walk(result, "", 0)
    return rows


def _machine_line(result: dict[str, Any]) -> str:
    env = result.get("environment") or result.get("machine") or {}
    date = result.get("date") or env.get("date") or "?"
    if {"cpu", "python", "numpy"} <= set(env) and isinstance(env.get("blas"), list):
        return f"Measured {date} on {describe_machine(env)}"
    details = ", ".join(
        f"{k} {v}" for k, v in env.items() if isinstance(v, str | int | float)
    )
    return f"Measured {date}" + (f" ({details})" if details else "")


def render_result(result: dict[str, Any], level: int = 2, compact: bool = False) -> str:
    """Markdown for one workload: verdict, targets, tables, notes, machine line.

    A result outside the contract is shown as a flattened table of its fields
    (with ``compact``, of its ratio statistics and top-level scalars only).
    """
    hashes = "#" * level
    number = result.get("workload")
    title = md(title_of(result))
    head = f"{hashes} {number}. {title}" if number else f"{hashes} {title}"
    parts = [head, ""]
    if result.get("verdict"):
        parts += [f"**Verdict.** {md(result['verdict'])}", ""]
    targets = result.get("targets") or []
    if targets:
        rows = [
            [t.get("target", ""), t.get("measured", ""), met_text(t.get("met"))]
            for t in targets
        ]
        parts += [markdown_table(["target", "measured", "status"], rows), ""]
    if follows_contract(result):
        tables = result["tables"]
    else:
        tables = [
            {
                "title": "Fields of the result file (written outside the contract "
                "of benchmarks/README.md)",
                "columns": ["field", "value"],
                "rows": flatten(result, stats_only=compact),
            }
        ]
    for table in tables:
        if table.get("title"):
            parts += [f"*{md(table['title'])}*", ""]
        parts += [markdown_table(table["columns"], table["rows"]), ""]
        notes = table.get("notes") or []
        parts += [f"- {md(n)}" for n in notes] + ([""] if notes else [])
    notes = result.get("notes") or []
    parts += [f"- {md(n)}" for n in notes] + ([""] if notes else [])
    line = [_machine_line(result)]
    control = result.get("control") or {}
    if isinstance(control, dict) and control.get("median_ms") is not None:
        line.append(f"control (200x200 np.dot) {fmt(control['median_ms'])} ms")
    if result.get("rounds"):
        line.append(f"{result['rounds']} rounds")
    elapsed = result.get("elapsed_s", result.get("wall_seconds"))
    if isinstance(elapsed, int | float):
        line.append(f"workload wall time {fmt(float(elapsed))} s")
    if isinstance(result.get("cpu_s"), int | float):
        line.append(f"CPU time {fmt(float(result['cpu_s']))} s")
    parts += [md("; ".join(line) + "."), ""]
    return "\n".join(parts)


def script(main: Callable[[Sequence[str] | None], dict[str, Any]]) -> None:
    """Run a workload module as a script: print its tables, write ``--out``."""
    result = main(sys.argv[1:])
    print(render_result(result))
