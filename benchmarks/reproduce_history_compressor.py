"""Reproduce the 1993 claim of credit assignment across more than 1,000 steps.

The source document credits Schmidhuber's habilitation thesis (1993) with an
experiment in which a stack of recurrent nets, each pre-trained without
supervision to predict its input (the history compressor), assigned credit
across 1,200 time steps. This script runs histbp's scaled version
(:func:`histbp.nets.train_history_compressor`) over several seeds:

- lags of 1,000, 1,100 and 1,200 steps (periods (10, 10, 10), (10, 10, 11),
  (10, 10, 12)): the four-level hierarchy against one recurrent net trained by
  full backpropagation through time, with the same budget of training sequences;
- at the lag of 1,200: hierarchies of 1 to 5 levels (how deep it must be), and
  plain BPTT at other learning rates and with as many hidden units as the whole
  hierarchy;
- plain BPTT at short lags, to show where it stops learning within the budget.

It writes ``benchmarks/results/history_compressor.json``. A full run takes
about 13 minutes on a shared 2-core machine (less on an idle one).

Usage::

    python benchmarks/reproduce_history_compressor.py
    python benchmarks/reproduce_history_compressor.py --quick   # a smoke test
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from histbp.nets import (  # noqa: E402
    deep_time_lag_task,
    train_history_compressor,
    train_plain_bptt,
)

RESULTS = ROOT / "benchmarks" / "results" / "history_compressor.json"
LAGS = {1000: (10, 10, 10), 1100: (10, 10, 11), 1200: (10, 10, 12)}


def _summary(values: list[int | None], budget: int) -> dict:
    solved = [v for v in values if v is not None]
    return {
        "runs": len(values),
        "solved": len(solved),
        "budget": budget,
        "median_sequences": float(np.median(solved)) if solved else None,
        "max_sequences": max(solved) if solved else None,
        "per_seed": values,
    }


def _hierarchy(task, levels: int, seeds: int, budget: int, label: str) -> dict:
    solved, final_lengths = [], []
    for s in range(seeds):
        run = train_history_compressor(
            task, levels=levels, max_sequences=budget, seed=s
        )
        solved.append(run.solved_at)
        final_lengths.append(run.lengths[-1].tolist())
        print(f"{label} seed {s}: solved at {run.solved_at}", flush=True)
    return {
        **_summary(solved, budget),
        "inputs_per_level_on_the_last_sequence": final_lengths,
    }


def _plain(task, seeds: int, budget: int, label: str, **options) -> dict:
    solved = []
    for s in range(seeds):
        run = train_plain_bptt(task, max_sequences=budget, seed=s, **options)
        solved.append(run.solved_at)
        print(f"{label} seed {s}: solved at {run.solved_at}", flush=True)
    return _summary(solved, budget)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--plain-seeds", type=int, default=5)
    parser.add_argument("--budget", type=int, default=500)
    parser.add_argument("--depth-seeds", type=int, default=5)
    parser.add_argument("--depth-budget", type=int, default=300)
    parser.add_argument("--variant-seeds", type=int, default=3)
    parser.add_argument("--short-lags", default="2,3,4,5,6,8")
    parser.add_argument("--short-seeds", type=int, default=5)
    parser.add_argument("--short-budget", type=int, default=2000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds = args.plain_seeds = args.depth_seeds = args.variant_seeds = 1
        args.short_seeds, args.budget, args.depth_budget = 1, 30, 30
        args.short_budget, args.short_lags = 200, "2"
    t0 = time.perf_counter()

    by_lag = {}
    for lag, periods in LAGS.items():
        task = deep_time_lag_task(periods)
        by_lag[str(lag)] = {
            "periods": list(periods),
            "one_step_theory_inputs_per_level": list(task.level_lengths()),
            "hierarchy_4_levels": _hierarchy(
                task, 4, args.seeds, args.budget, f"lag {lag} hierarchy"
            ),
            "plain_bptt": _plain(
                task, args.plain_seeds, args.budget, f"lag {lag} plain BPTT"
            ),
        }

    task = deep_time_lag_task(LAGS[1200])
    depth = {
        str(levels): _hierarchy(
            task, levels, args.depth_seeds, args.depth_budget, f"{levels} levels"
        )
        for levels in (1, 2, 3, 4, 5)
    }
    variants = {
        "learning_rate_0.1": {"learning_rate": 0.1},
        "learning_rate_10": {"learning_rate": 10.0},
        "hidden_32": {"hidden": 32},
    }
    plain_variants = {
        name: _plain(task, args.variant_seeds, args.budget, name, **options)
        for name, options in variants.items()
    }

    short = {}
    for lag in (int(v) for v in args.short_lags.split(",")):
        short[str(lag)] = _plain(
            deep_time_lag_task((lag,)),
            args.short_seeds,
            args.short_budget,
            f"short lag {lag} plain BPTT",
        )

    results = {
        "description": (
            "Training sequences until the target is right (within 0.3) on both "
            "sequences of histbp.nets.deep_time_lag_task, checked every 10 "
            "sequences: the history compressor (levels of 8 tanh units, each "
            "trained by BPTT truncated to 3 of its own steps, learning rate 1 on "
            "the averaged cross-entropy) versus one recurrent net of 16 units "
            "trained by full BPTT on the same averaged loss (learning rate 1 "
            "unless stated)"
        ),
        "by_lag": by_lag,
        "depth_at_lag_1200": depth,
        "plain_bptt_variants_at_lag_1200": plain_variants,
        "plain_bptt_short_lags": short,
        "source_figure": (
            "credit assignment across 1,200 time steps or virtual layers by a "
            "stack of recurrent nets pre-trained without supervision (UN2, as "
            "the source document describes it)"
        ),
        "wall_seconds": round(time.perf_counter() - t0, 1),
        "machine": {
            "date": datetime.date.today().isoformat(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} in {results['wall_seconds']} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
