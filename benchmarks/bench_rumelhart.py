"""Training speed of the 1986 network: histbp's written-out backward pass vs autograd.

Each variant runs the same number of batch sweeps with momentum from the same
initial weights, on two networks of the 1985/86 experiments:

- symmetry: the 6-2-1 network on all 64 patterns (eps 0.1, alpha 0.9);
- family trees: 36 -> 6 + 6 -> 12 -> 6 -> 24 on 100 facts.

Variants: ``histbp`` (:class:`histbp.nets.BackpropNet`, the backward pass
written out as in the paper), ``autograd`` (HIPS autograd's ``value_and_grad`` of the
same error, same update; a benchmark-only dependency) and ``histbp.autodiff`` (the
tape of the 1970 entry, same error, same update). Protocol of benchmarks/README.md:
interleaved rounds, ``gc.collect()`` before and GC off during each timing, medians
and per-round ratios with 10th-90th percentiles, a 200x200 ``np.dot`` as the
machine-speed control. Run with ``OPENBLAS_NUM_THREADS=1`` (set here by default).

    PYTHONPATH=. /tmp/dev/bin/python benchmarks/bench_rumelhart.py
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import datetime
import gc
import importlib.metadata
import json
import platform
import sys
import time
from pathlib import Path

import autograd
import autograd.numpy as anp
import numpy as np

from histbp.autodiff import sigmoid as tape_sigmoid
from histbp.autodiff import value_and_grad as tape_value_and_grad
from histbp.data import family_trees, symmetry
from histbp.nets import (
    FAMILY_TREES_LAYERS,
    BackpropNet,
    family_trees_connections,
)

ROUNDS = 25
RESULTS = Path(__file__).resolve().parent / "results" / "rumelhart.json"


def error_autograd(weights, X, Y):
    a = X
    for w in weights:
        a = 1.0 / (1.0 + anp.exp(-(anp.dot(a, w[:, :-1].T) + w[:, -1])))
    r = a - Y
    return 0.5 * anp.sum(r * r)


def error_tape(weights, X, Y):
    a = X
    for w in weights:
        a = tape_sigmoid(a @ w[:, :-1].T + w[:, -1])
    r = a - Y
    return 0.5 * np.sum(r * r)


AUTOGRAD_VG = autograd.value_and_grad(error_autograd)


def tape_vg(weights, X, Y):
    n = len(weights)
    f = tape_value_and_grad(lambda *w: error_tape(w, X, Y), argnum=tuple(range(n)))
    return f(*weights)


def momentum_loop(value_and_grad, w0, masks, X, Y, eps, alpha, sweeps):
    """The 1986 update, with the gradient from ``value_and_grad``."""
    weights = [w.copy() for w in w0]
    steps = [np.zeros_like(w) for w in w0]
    for _ in range(sweeps):
        _, grads = value_and_grad(weights, X, Y)
        for w, dw, g, m in zip(weights, steps, grads, masks, strict=True):
            dw *= alpha
            dw -= eps * (g * m)
            w += dw
    return weights


def make_workload(name):
    if name == "symmetry 6-2-1, 64 patterns":
        X, Y = symmetry(6)
        options = {"learning_rate": 0.1, "momentum": 0.9}
        net_args = ((6, 2, 1),)
        connections = None
        sweeps = 200
    else:
        X, Y = family_trees()
        X, Y = X[:100], Y[:100]
        options = {"learning_rate": 0.05, "momentum": 0.9, "init_range": 1.0}
        net_args = (FAMILY_TREES_LAYERS,)
        connections = family_trees_connections()
        sweeps = 100
    start = BackpropNet(*net_args, seed=0, connections=connections, **options)
    w0 = start.weights
    masks = [np.ones_like(w) for w in w0]
    if connections is not None:
        masks[0][:, :-1] = connections[0]
    eps, alpha = options["learning_rate"], options["momentum"]

    def run_histbp():
        net = BackpropNet(*net_args, seed=0, connections=connections, **options)
        net.fit(X, Y, sweeps=sweeps, until_converged=False)
        return net.weights

    def run_autograd():
        return momentum_loop(AUTOGRAD_VG, w0, masks, X, Y, eps, alpha, sweeps)

    def run_tape():
        return momentum_loop(tape_vg, w0, masks, X, Y, eps, alpha, sweeps)

    variants = {
        "histbp": run_histbp,
        "autograd": run_autograd,
        "histbp.autodiff": run_tape,
    }
    return sweeps, variants


def timed(fn):
    gc.collect()
    gc.disable()
    try:
        t = time.perf_counter()
        out = fn()
        return time.perf_counter() - t, out
    finally:
        gc.enable()


def blas_name():
    try:
        info = np.show_config(mode="dicts")
        blas = info["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # pragma: no cover - depends on the numpy build
        return "unknown"


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or "unknown"


def main():
    a = np.random.default_rng(0).standard_normal((200, 200))
    workloads = [
        "symmetry 6-2-1, 64 patterns",
        "family trees 36-(6+6)-12-6-24, 100 facts",
    ]
    results = {}
    control_times = []
    for name in workloads:
        sweeps, variants = make_workload(name)
        # the three variants agree on the weights after the same sweeps
        ref = variants["histbp"]()
        for label, fn in variants.items():
            for w, r in zip(fn(), ref, strict=True):
                np.testing.assert_allclose(w, r, rtol=1e-9, atol=1e-11, err_msg=label)
        times = {label: [] for label in variants}
        for _ in range(ROUNDS):
            for label, fn in variants.items():
                times[label].append(timed(fn)[0])
            control_times.append(timed(lambda: np.dot(a, a))[0])
        base = np.array(times["histbp"])
        entry = {"sweeps_per_timing": sweeps, "variants": {}}
        for label, ts in times.items():
            ts = np.array(ts)
            ratio = ts / base
            entry["variants"][label] = {
                "median_seconds": float(np.median(ts)),
                "sweeps_per_second": float(sweeps / np.median(ts)),
                "time_ratio_to_histbp": {
                    "median": float(np.median(ratio)),
                    "p10": float(np.percentile(ratio, 10)),
                    "p90": float(np.percentile(ratio, 90)),
                },
            }
        results[name] = entry
    report = {
        "benchmark": "rumelhart: sweeps per second of the 1986 network",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "python": sys.version.split()[0],
            "numpy": np.__version__,
            "autograd": importlib.metadata.version("autograd"),
            "blas": blas_name(),
            "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
            "cpu": cpu_name(),
            "cores": os.cpu_count(),
        },
        "protocol": (
            f"{ROUNDS} interleaved rounds (histbp, autograd, histbp.autodiff, "
            "control); gc.collect() before and GC off during each timing; medians, "
            "and per-round time ratios to histbp with 10th-90th percentiles"
        ),
        "control_dot_200x200_seconds": float(np.median(control_times)),
        "workloads": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(
        f"{report['date']}  {report['machine']['cpu']}  numpy {np.__version__}  "
        f"BLAS {report['machine']['blas']}  threads "
        f"{report['machine']['OPENBLAS_NUM_THREADS']}"
    )
    print(
        f"control: 200x200 np.dot {report['control_dot_200x200_seconds'] * 1e6:.0f} us"
    )
    for name, entry in results.items():
        print(f"\n{name} ({entry['sweeps_per_timing']} sweeps per timing)")
        print(
            f"  {'variant':<16} {'sweeps/s':>10} {'time / histbp':>14} {'p10-p90':>14}"
        )
        for label, v in entry["variants"].items():
            r = v["time_ratio_to_histbp"]
            print(
                f"  {label:<16} {v['sweeps_per_second']:>10.0f} {r['median']:>14.2f} "
                f"{r['p10']:>6.2f}-{r['p90']:<6.2f}"
            )
    print(f"\nwritten to {RESULTS}")


if __name__ == "__main__":
    main()
