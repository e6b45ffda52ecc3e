"""Workload 7: the discrete adjoint of an ODE with T steps (Kelley 1960, Bryson 1961).

The subject is the discrete adjoint of :func:`histbp.control.rk4_adjoint`
(``histbp/control/_rk4.py``, formerly ``adjoint_ode.py``) on the orbit-raising
problem of Bryson and Ho (3 states, 1 control, classical Runge-Kutta on T steps).
Each round times, back to back:

- ``forward``: :func:`rk4_forward` alone (it stores the stages the adjoint needs);
- ``plain``: a bare Runge-Kutta loop with the same right-hand side that stores
  nothing, the cheapest way to get the final state;
- ``gradient``: :func:`rk4_forward` then :func:`rk4_adjoint` for ``r(tf)``, i.e.
  the value and its gradient with respect to all T controls;
- ``gradient3``: the same for the three terminal quantities at once (what the
  optimiser uses);
- ``tape``: histbp's general reverse mode on the same integration written with
  scalar operations (T <= 300 only; it records about 100 tape nodes a step).

Protocol (``benchmarks/README.md``): one untimed warm-up round, then at
least 21 rounds, variants interleaved, ``gc.collect()`` before each timing and GC
disabled during it, medians of the per-round ratios with their 10th-90th
percentiles, a 200x200 ``np.dot`` as machine-speed control, OpenBLAS pinned to one
thread. Memory is measured separately with ``tracemalloc`` (peak bytes allocated
during a call).

Run: ``python benchmarks/bench_adjoint_ode.py`` (about 20 s); writes
``benchmarks/results/adjoint_ode.json`` and prints a table.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import datetime
import gc
import json
import math
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from histbp.autodiff import value_and_grad  # noqa: E402
from histbp.control import (  # noqa: E402
    FINAL_TIME,
    MASS_RATE,
    THRUST,
    rk4_adjoint,
    rk4_forward,
)
from histbp.control._orbit_raising import _model  # noqa: E402

F, JAC = _model(THRUST, MASS_RATE)
X0 = np.array([1.0, 0.0, 1.0])
RESULTS = ROOT / "benchmarks" / "results" / "adjoint_ode.json"


def plain_forward(phi: np.ndarray) -> float:
    """Runge-Kutta with the same right-hand side, storing nothing: r(tf)."""
    n = phi.size
    h = FINAL_TIME / n
    x = X0.copy()
    u = phi[:, None]
    for k in range(n):
        t = k * h
        k1 = F(x, u[k], t)
        k2 = F(x + 0.5 * h * k1, u[k], t + 0.5 * h)
        k3 = F(x + 0.5 * h * k2, u[k], t + 0.5 * h)
        k4 = F(x + h * k3, u[k], t + h)
        x = x + (h / 6.0) * (k1 + 2.0 * (k2 + k3) + k4)
    return float(x[0])


def forward(phi: np.ndarray) -> float:
    return float(rk4_forward(F, X0, phi, tf=FINAL_TIME).final_state[0])


def gradient(phi: np.ndarray) -> np.ndarray:
    traj = rk4_forward(F, X0, phi, tf=FINAL_TIME)
    return rk4_adjoint(traj, JAC, [1.0, 0.0, 0.0]).control_gradient


def gradient3(phi: np.ndarray) -> np.ndarray:
    traj = rk4_forward(F, X0, phi, tf=FINAL_TIME)
    r = traj.final_state[0]
    rows = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5 * r**-1.5, 0.0, 1.0]]
    return rk4_adjoint(traj, JAC, rows).control_gradient


def traced_radius(phi, n):
    """The same integration with scalar operations, for histbp's reverse mode."""
    h = FINAL_TIME / n

    def rhs(r, u, v, k, t):
        a = THRUST / (1.0 - MASS_RATE * t)
        return (
            u,
            v * v / r - 1.0 / (r * r) + a * np.sin(phi[k]),
            -u * v / r + a * np.cos(phi[k]),
        )

    r, u, v = 1.0, 0.0, 1.0
    for k in range(n):
        t = k * h
        a = rhs(r, u, v, k, t)
        b = rhs(r + h / 2 * a[0], u + h / 2 * a[1], v + h / 2 * a[2], k, t + h / 2)
        c = rhs(r + h / 2 * b[0], u + h / 2 * b[1], v + h / 2 * b[2], k, t + h / 2)
        d = rhs(r + h * c[0], u + h * c[1], v + h * c[2], k, t + h)
        r = r + h / 6 * (a[0] + 2 * b[0] + 2 * c[0] + d[0])
        u = u + h / 6 * (a[1] + 2 * b[1] + 2 * c[1] + d[1])
        v = v + h / 6 * (a[2] + 2 * b[2] + 2 * c[2] + d[2])
    return r


TAPE = value_and_grad(traced_radius)


def timed(fn, arg, repeat: int) -> float:
    """Seconds per call: gc collected before, disabled during."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(repeat):
            fn(arg)
        return (time.perf_counter() - start) / repeat
    finally:
        gc.enable()


def peak_bytes(fn, arg) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn(arg)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def summary(values) -> dict:
    v = np.asarray(values, dtype=float)
    return {
        "median": float(np.median(v)),
        "p10": float(np.percentile(v, 10)),
        "p90": float(np.percentile(v, 90)),
    }


def environment() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = "unknown"
    try:
        from threadpoolctl import threadpool_info

        libs = [f"{i['internal_api']} {i['version']}" for i in threadpool_info()]
        blas = ", ".join(libs) or blas
    except ImportError:
        config = np.show_config(mode="dicts") if np.__version__ >= "1.26" else {}
        blas = str(config.get("Build Dependencies", {}).get("blas", {}).get("name"))
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "platform": platform.platform(),
    }


def run(sizes=(100, 300, 1000, 3000), rounds: int = 21, tape_max: int = 300) -> dict:
    rng = np.random.default_rng(7)
    a = rng.standard_normal((200, 200))
    out = {"workload": 7, "subject": "histbp.control.rk4_adjoint", "sizes": []}
    for n in sizes:
        phi = rng.uniform(-1.0, 1.0, n)
        variants = {
            "plain": plain_forward,
            "forward": forward,
            "gradient": gradient,
            "gradient3": gradient3,
        }
        if n <= tape_max:
            variants["tape"] = lambda p, n=n: TAPE(p, n)
        # agreement check, outside the timings
        g = gradient(phi)[:, 0]
        if n <= tape_max:
            value, g_tape = TAPE(phi, n)
            assert abs(value - forward(phi)) < 1e-12
            assert np.allclose(g, g_tape, rtol=1e-10, atol=1e-14)
        assert abs(forward(phi) - plain_forward(phi)) < 1e-13
        repeat = max(1, math.ceil(0.005 / timed(forward, phi, 1)))
        times = {name: [] for name in variants}
        times["dot200"] = []
        for fn in variants.values():  # one untimed warm-up round
            fn(phi)
        for _ in range(rounds):
            for name, fn in variants.items():
                times[name].append(timed(fn, phi, repeat))
            times["dot200"].append(timed(lambda m: m @ m, a, 20))
        fwd = np.array(times["forward"])
        plain = np.array(times["plain"])
        entry = {
            "steps": n,
            "repeat_per_timing": repeat,
            "median_seconds": {k: float(np.median(v)) for k, v in times.items()},
            "ratios": {
                "gradient/forward": summary(np.array(times["gradient"]) / fwd),
                "gradient/plain": summary(np.array(times["gradient"]) / plain),
                "gradient3/forward": summary(np.array(times["gradient3"]) / fwd),
                "forward/plain": summary(fwd / plain),
            },
            "peak_bytes": {
                "plain": peak_bytes(plain_forward, phi),
                "forward": peak_bytes(forward, phi),
                "gradient": peak_bytes(gradient, phi),
            },
            "counts": {
                "rhs_calls_forward": 4 * n,
                "rhs_calls_gradient": 4 * n,
                "jacobian_points_gradient": 4 * n,
                "backward_matvecs": n,
            },
        }
        if "tape" in times:
            entry["ratios"]["tape/forward"] = summary(np.array(times["tape"]) / fwd)
            entry["ratios"]["tape/gradient"] = summary(
                np.array(times["tape"]) / np.array(times["gradient"])
            )
            entry["peak_bytes"]["tape"] = peak_bytes(variants["tape"], phi)
        entry["peak_bytes_per_step"] = {
            k: v / n for k, v in entry["peak_bytes"].items()
        }
        out["sizes"].append(entry)
    out["rounds"] = rounds
    out["environment"] = environment()
    out["date"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    return out


def table(result: dict) -> str:
    lines = [
        "| T | forward ms | gradient ms | gradient/forward (p10-p90) "
        "| gradient/plain "
        "| gradient3/forward | tape/forward "
        "| peak bytes/step: forward, gradient, tape |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in result["sizes"]:
        r, ms, pb = e["ratios"], e["median_seconds"], e["peak_bytes_per_step"]
        gf = r["gradient/forward"]
        tape = f"{r['tape/forward']['median']:.1f}" if "tape/forward" in r else "-"
        tape_bytes = f"{pb['tape']:.0f}" if "tape" in pb else "-"
        lines.append(
            f"| {e['steps']} | {1e3 * ms['forward']:.2f} | {1e3 * ms['gradient']:.2f} "
            f"| {gf['median']:.2f} ({gf['p10']:.2f}-{gf['p90']:.2f}) "
            f"| {r['gradient/plain']['median']:.2f} "
            f"| {r['gradient3/forward']['median']:.2f} | {tape} "
            f"| {pb['forward']:.0f}, {pb['gradient']:.0f}, {tape_bytes} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    start = time.perf_counter()
    result = run(tuple(args.sizes), args.rounds)
    result["wall_seconds"] = time.perf_counter() - start
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(table(result))
    env = result["environment"]
    print(
        f"\n{result['rounds']} interleaved rounds, {result['wall_seconds']:.1f} s; "
        f"Python {env['python']}, numpy {env['numpy']}, BLAS {env['blas']}, "
        f"{env['cpu']}; control 200x200 dot: "
        f"{1e6 * result['sizes'][0]['median_seconds']['dot200']:.0f} us"
    )
    print(f"written: {args.out}")


if __name__ == "__main__":
    main()
