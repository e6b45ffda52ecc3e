"""Reproduce the ordering of the 1992 chunker experiment, over many seeds.

Schmidhuber (1992) reports a task with a 20-step time lag on which a conventional
recurrent net trained by backpropagation showed no significant improvement after
1,000,000 training sequences, while the chunker system (BPTT truncated to 3
steps) solved it in 13 of 17 runs with fewer than 5,000 sequences. This script
runs histbp's scaled version of that comparison (:func:`histbp.nets.train_chunker`):

- lag 20, 17 seeds: the chunker system (sequences until the chunker predicts
  the target, and until the automatizer alone does), and the conventional net
  (full BPTT) capped at a budget of training sequences, at several learning
  rates;
- the conventional net and the chunker at shorter lags, to show where the
  conventional net stops learning within the budget.

It writes ``benchmarks/results/chunker_time_lag.json``. A full run takes about
10 minutes on one core.

Usage::

    python benchmarks/reproduce_chunker.py
    python benchmarks/reproduce_chunker.py --quick   # a smoke test
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
    time_lag_task,
    train_chunker,
    train_conventional,
)

RESULTS = ROOT / "benchmarks" / "results" / "chunker_time_lag.json"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=17)
    parser.add_argument("--lag", type=int, default=20)
    parser.add_argument("--chunker-budget", type=int, default=20_000)
    parser.add_argument("--conventional-budget", type=int, default=100_000)
    parser.add_argument("--rates", default="0.01,0.03,0.1")
    parser.add_argument("--rate-seeds", type=int, default=5)
    parser.add_argument("--sweep-lags", default="2,3,4,5,6,8,10")
    parser.add_argument("--sweep-seeds", type=int, default=5)
    parser.add_argument("--sweep-budget", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.seeds, args.rate_seeds, args.sweep_seeds = 2, 1, 1
        args.conventional_budget, args.sweep_budget = 2_000, 2_000
        args.sweep_lags = "2,6"
    t0 = time.perf_counter()
    task = time_lag_task(args.lag)
    seeds = range(args.seeds)

    solved, collapsed = [], []
    for s in seeds:
        run = train_chunker(
            task, max_sequences=args.chunker_budget, seed=s, until="collapsed"
        )
        solved.append(run.solved_at)
        collapsed.append(run.collapsed_at)
        print(
            f"chunker  lag {args.lag} seed {s:2d}: solved at {run.solved_at}, "
            f"collapsed at {run.collapsed_at}",
            flush=True,
        )

    conventional = []
    for s in seeds:
        run = train_conventional(task, max_sequences=args.conventional_budget, seed=s)
        conventional.append(run.solved_at)
        print(
            f"conventional lag {args.lag} seed {s:2d}: solved at {run.solved_at}",
            flush=True,
        )

    rates = {}
    for rate in (float(r) for r in args.rates.split(",")):
        values = []
        for s in range(args.rate_seeds):
            run = train_conventional(
                task,
                max_sequences=args.conventional_budget,
                seed=s,
                learning_rate=rate,
            )
            values.append(run.solved_at)
        rates[str(rate)] = _summary(values, args.conventional_budget)
        print(f"conventional lr {rate}: {values}", flush=True)

    sweep = {}
    for lag in (int(v) for v in args.sweep_lags.split(",")):
        short = time_lag_task(lag)
        conv = [
            train_conventional(short, max_sequences=args.sweep_budget, seed=s).solved_at
            for s in range(args.sweep_seeds)
        ]
        chunk = [
            train_chunker(
                short, max_sequences=args.sweep_budget, seed=s, until="solved"
            ).solved_at
            for s in range(args.sweep_seeds)
        ]
        sweep[str(lag)] = {
            "conventional": _summary(conv, args.sweep_budget),
            "chunker_solved": _summary(chunk, args.sweep_budget),
        }
        print(f"lag {lag}: conventional {conv}, chunker {chunk}", flush=True)

    results = {
        "description": (
            "Sequences to solution on the two-sequence time-lag task of "
            "histbp.nets.train_chunker: chunker system (automatizer 16 and chunker 4 "
            "hidden units, BPTT truncated to 3 steps) versus a conventional "
            "recurrent net (16 hidden units, full BPTT); solved = target "
            "predicted within 0.3 on both sequences, checked every 10 sequences"
        ),
        "lag": args.lag,
        "chunker_solved": _summary(solved, args.chunker_budget),
        "chunker_collapsed": _summary(collapsed, args.chunker_budget),
        "conventional": _summary(conventional, args.conventional_budget),
        "conventional_learning_rates": rates,
        "lag_sweep": sweep,
        "source_figures": {
            "conventional": "no significant improvement after 1,000,000 sequences",
            "chunker": "13 of 17 runs solved with fewer than 5,000 sequences",
        },
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
