"""Reproduce the 2010 entry on the real MNIST: a deep MLP, plain backprop, deformations.

Ciresan, Meier, Gambardella and Schmidhuber (2010) trained deep MLPs by plain
on-line backpropagation with every training image deformed anew in every epoch,
and no pre-training. This script does the same at CPU scale: a fully connected
net (784-1000-500-10 by default) trained by small-batch SGD, no momentum, with
affine and elastic deformations drawn afresh for each epoch, the learning rate
annealed geometrically over a wall-clock budget. It stops when the budget is
spent, evaluates the 10,000 test images, and writes

- ``benchmarks/results/mnist_plain_backprop.json``: test error (fraction),
  wall seconds, architecture, epochs, learning curve, settings, machine;
- ``docs/_static/mnist_plain_backprop.png``: the learning curve.

Matrix products run in float32 on one BLAS thread; a second thread prepares the
next epoch's deformed images, so the run uses two cores.

Usage::

    python benchmarks/reproduce_mnist.py --budget-minutes 45
    python benchmarks/reproduce_mnist.py --budget-minutes 1 --train-subset 5000 \\
        --out /tmp/mnist.json --plot /tmp/mnist.png      # a smoke test
    python benchmarks/reproduce_mnist.py --plot-only     # redraw the committed plot
"""

from __future__ import annotations

import os

# One BLAS thread for the matrix products; the deformation thread takes the other
# core. Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse
import datetime
import json
import platform
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from histbp.mnist import load_mnist  # noqa: E402
from histbp.nets import (  # noqa: E402
    EpochRecord,
    deform,
    train_deep_mlp,
)

RESULTS = ROOT / "benchmarks" / "results" / "mnist_plain_backprop.json"
PLOT = ROOT / "docs" / "_static" / "mnist_plain_backprop.png"

#: Published figures shown beside ours (test error, fraction).
REFERENCES = {
    "ciresan2010": {
        "architecture": "784-2500-2000-1500-1000-500-10",
        "weights_millions": 12.11,
        "test_error": 0.0035,
        "status": "as published (Ciresan et al. 2010, Table 1)",
    },
    "hinton2006_pretrained": {
        "architecture": "784-500-500-2000-10",
        "test_error": 0.012,
        "status": "reported (secondary sources)",
    },
    "hinton2006_random_init": {
        "architecture": "784-500-500-2000-10",
        "test_error": 0.016,
        "status": "reported (secondary sources)",
    },
}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget-minutes", type=float, default=45.0)
    parser.add_argument("--hidden", default="1000,500")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--anneal-to", type=float, default=0.02)
    parser.add_argument("--rotation", type=float, default=10.0)
    parser.add_argument("--scale", type=float, default=0.10)
    parser.add_argument("--shear", type=float, default=0.10)
    parser.add_argument("--alpha", type=float, default=36.0)
    parser.add_argument("--sigma", type=float, default=6.0)
    parser.add_argument("--no-deform", action="store_true")
    parser.add_argument("--max-epochs", type=int, default=10_000)
    parser.add_argument("--train-subset", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default=None, help="folder with the four .gz files")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--plot", type=Path, default=PLOT)
    parser.add_argument(
        "--plot-only",
        action="store_true",
        help="redraw the plot from the results file, without training",
    )
    args = parser.parse_args(argv)
    if args.plot_only:
        _plot(json.loads(args.out.read_text(encoding="utf-8")), args.plot)
        print(f"wrote {args.plot}", flush=True)
        return 0

    mnist = load_mnist(args.data)
    n = args.train_subset or mnist.train_images.shape[0]
    X = (mnist.train_images[:n].reshape(n, -1) / 255.0).astype(np.float32)
    y = mnist.train_labels[:n]
    X_test = (mnist.test_images.reshape(-1, 784) / 255.0).astype(np.float32)
    y_test = mnist.test_labels
    hidden = tuple(int(h) for h in args.hidden.split(","))
    settings = {
        "rotation_degrees": args.rotation,
        "scale": args.scale,
        "shear": args.shear,
        "elastic_alpha": args.alpha,
        "elastic_sigma": args.sigma,
    }

    def deform_flat(batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        images = batch.reshape(-1, 28, 28)
        out = deform(
            images,
            rng,
            rotation=args.rotation,
            scale=args.scale,
            shear=args.shear,
            alpha=args.alpha,
            sigma=args.sigma,
        )
        return out.reshape(batch.shape)

    def log(r: EpochRecord) -> None:
        print(
            f"epoch {r.epoch:3d}  {r.seconds:7.1f} s  lr {r.learning_rate:.5f}  "
            f"train loss {r.train_loss:.4f}  train err {100 * r.train_error:5.2f}%  "
            f"test err {100 * r.test_error:5.2f}%",
            flush=True,
        )

    print(
        f"MNIST {n} training images, net 784-{'-'.join(map(str, hidden))}-10, "
        f"batch {args.batch_size}, budget {args.budget_minutes} min",
        flush=True,
    )
    run = train_deep_mlp(
        X,
        y,
        hidden,
        epochs=args.max_epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        anneal_to=args.anneal_to,
        deform=None if args.no_deform else deform_flat,
        X_test=X_test,
        labels_test=y_test,
        dtype=np.float32,
        seed=args.seed,
        budget_seconds=60.0 * args.budget_minutes,
        log=log,
    )
    wrong = round(run.test_error * y_test.size)
    print(
        f"test error {100 * run.test_error:.2f}% ({wrong} of {y_test.size}) after "
        f"{run.epochs} epochs, {run.wall_seconds / 60:.1f} min",
        flush=True,
    )
    results = {
        "description": (
            "Deep MLP trained by plain small-batch backpropagation (no momentum, no "
            "pre-training) on MNIST, training images deformed anew every epoch"
        ),
        "test_error": run.test_error,
        "test_errors_count": int(wrong),
        "test_images": int(y_test.size),
        "train_images": int(n),
        "wall_seconds": round(run.wall_seconds, 1),
        "budget_minutes": args.budget_minutes,
        "stopped_by_budget": run.stopped_by_budget,
        "architecture": list(run.net.sizes),
        "n_parameters": run.net.n_parameters,
        "hidden_units": "1.7159 tanh(2a/3)",
        "output": "softmax, cross-entropy",
        "epochs": run.epochs,
        "batch_size": args.batch_size,
        "learning_rate": {
            "initial": args.learning_rate,
            "final_factor": args.anneal_to,
            "schedule": "lr0 * anneal_to ** (elapsed / budget), per epoch",
        },
        "deformations": None if args.no_deform else settings,
        "dtype": "float32",
        "seed": args.seed,
        "learning_curve": [
            {
                "epoch": r.epoch,
                "seconds": round(r.seconds, 1),
                "learning_rate": r.learning_rate,
                "train_loss": round(r.train_loss, 5),
                "train_error": round(r.train_error, 5),
                "test_error": r.test_error,
            }
            for r in run.curve
        ],
        "references": REFERENCES,
        "machine": {
            "date": datetime.date.today().isoformat(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpu": _cpu_model(),
            "cpus": os.cpu_count(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", flush=True)
    _plot(results, args.plot)
    print(f"wrote {args.plot}", flush=True)
    return 0


def _plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curve = results["learning_curve"]
    epochs = [c["epoch"] for c in curve]
    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.plot(epochs, [100 * c["test_error"] for c in curve], "o-", ms=3, label="test")
    ax.plot(
        epochs,
        [100 * c["train_error"] for c in curve],
        "-",
        color="0.6",
        label="training (deformed, during the epoch)",
    )
    refs = results["references"]
    for key, style, text in (
        ("ciresan2010", ":", "Ciresan et al. 2010, 12.11 M weights"),
        (
            "hinton2006_pretrained",
            "--",
            "Hinton & Salakhutdinov 2006, pre-trained (reported)",
        ),
        ("hinton2006_random_init", "-.", "same net, random init. (reported)"),
    ):
        ax.axhline(100 * refs[key]["test_error"], ls=style, color="k", lw=0.8)
        ax.text(
            epochs[-1],
            100 * refs[key]["test_error"],
            text,
            fontsize=7,
            ha="right",
            va="bottom",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1},
        )
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("error (%)")
    arch = "-".join(map(str, results["architecture"]))
    ax.set_title(
        f"Plain backprop, {arch}: {100 * results['test_error']:.2f}% test error "
        f"in {results['wall_seconds'] / 60:.0f} min",
        fontsize=10,
    )
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    raise SystemExit(main())
