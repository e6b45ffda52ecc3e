"""Workload 3: micrograd's demo, MLP(2, [16, 16, 1]) on 100 "moons" points.

The network, the data, the loss and the training schedule of micrograd's
``demo.ipynb``: two half-moons of 100 points with noise 0.1 and labels -1/+1, an MLP
with ReLU hidden layers, the SVM max-margin loss mean(relu(1 - y * score)) plus
1e-4 * sum(p^2), and 100 steps of SGD with learning rate 1 - 0.9 k / 100, on the
full batch. The moons are built as ``sklearn.datasets.make_moons`` builds them (two
half circles, shuffled, Gaussian noise), with numpy's ``RandomState(1337)``, so
sklearn is not needed; the initial weights are micrograd's own (``random.seed(1337)``)
and histbp starts from the same numbers.

"histbp scalar engine" here means histbp's reverse mode on Python floats: every one
of the 337 parameters is a Python-float argument of the loss (``vjp`` over all of
them), so every operation takes the tape's scalar fast path; ReLU is ``h if h > 0
else 0.0`` (a comparison of a traced value gives a plain bool). Each step is timed
for both engines, interleaved, as forward (build the graph) and backward (sweep it);
the SGD update is not timed.

Targets: histbp faster than micrograd; both reach 100% accuracy in 100 steps.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from typing import Any

import _protocol as P
import numpy as np

from histbp.autodiff import vjp

NAME = "micrograd_mlp"
TITLE = "micrograd's demo: MLP(2, [16, 16, 1]) on 100 moons points"
SIZES = (2, 16, 16, 1)
ALPHA = 1e-4


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 1337) -> tuple:
    """Two interleaved half circles, as ``sklearn.datasets.make_moons`` makes them.

    Returns the points ``X`` (n, 2) and the labels ``y`` in {-1, +1}.
    """
    rng = np.random.RandomState(seed)
    n_out = n // 2
    n_in = n - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    x = np.concatenate([np.cos(outer), 1 - np.cos(inner)])
    y = np.concatenate([np.sin(outer), 1 - np.sin(inner) - 0.5])
    X = np.stack([x, y], axis=1)
    labels = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    order = rng.permutation(n)
    X, labels = X[order], labels[order]
    X = X + rng.normal(scale=noise, size=X.shape)
    return X, 2 * labels - 1


def _relu(h: Any) -> Any:
    return h if h > 0 else 0.0


def histbp_loss(params: Sequence[Any], X: list, y: list, record: list) -> Any:
    """The demo's loss, parameters in micrograd's order; the hits go to ``record``.

    ``params`` is the flat list of 337 numbers, neuron by neuron (weights, then
    bias), layer by layer, as ``MLP.parameters()`` lists them.
    """
    scores = []
    for xrow in X:
        h = xrow
        k = 0
        for layer in range(len(SIZES) - 1):
            nin, nout = SIZES[layer], SIZES[layer + 1]
            last = layer == len(SIZES) - 2
            out = []
            for _ in range(nout):
                act = params[k + nin]  # micrograd: sum(w_i * x_i, start=b)
                for i in range(nin):
                    act = act + params[k + i] * h[i]
                k += nin + 1
                out.append(act if last else _relu(act))
            h = out
        scores.append(h[0])
    losses = [_relu(1 + -yi * si) for yi, si in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in params)
    record[:] = [(yi > 0) == (si > 0) for yi, si in zip(y, scores, strict=True)]
    return data_loss + reg_loss


def micrograd_loss(model: Any, value_cls: Any, X: list, y: list) -> tuple[Any, list]:
    """micrograd's demo ``loss()`` on the full batch: total loss and hits."""
    inputs = [list(map(value_cls, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    hits = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores, strict=True)]
    return data_loss + reg_loss, hits


def _count_nodes(root: Any) -> int:
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    return len(seen)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = P.parse_args(argv, __doc__.splitlines()[0])
    res = P.Result(NAME, 3, TITLE, args)
    steps = max(args.rounds, 3) if args.quick else 100
    n_points = 20 if args.quick else 100
    X, y = make_moons(n_points)
    X_list, y_list = X.tolist(), y.tolist()
    nn = P.optional("micrograd.nn")
    eng = P.optional("micrograd.engine")

    random.seed(1337)
    if nn is not None:
        model = nn.MLP(SIZES[0], list(SIZES[1:]))
        params0 = [p.data for p in model.parameters()]
    else:  # the same initialisation as micrograd's Neuron: U(-1, 1) weights, 0 bias
        params0 = []
        for nin, nout in itertools.pairwise(SIZES):
            for _ in range(nout):
                params0 += [random.uniform(-1, 1) for _ in range(nin)] + [0]
    params = [float(p) for p in params0]
    n_params = len(params)

    state: dict[str, Any] = {"histbp": [], "micrograd": [], "m_nodes": 0}

    def histbp_step(clock: P.Clock, k: int) -> None:
        nonlocal params
        hits: list = []

        def loss(*ps: Any) -> Any:
            return histbp_loss(ps, X_list, y_list, hits)

        with clock.laps():
            with clock("forward"):
                value, back = vjp(loss, *params)
            with clock("backward"):
                grads = back(1.0)
        lr = 1.0 - 0.9 * k / 100
        params = [p - lr * g for p, g in zip(params, grads, strict=True)]
        state["histbp"].append((value, sum(hits) / len(hits)))

    def micrograd_step(clock: P.Clock, k: int) -> None:
        with clock.laps():
            with clock("forward"):
                total, hits = micrograd_loss(model, eng.Value, X_list, y_list)
            model.zero_grad()
            with clock("backward"):
                total.backward()
        if not state["m_nodes"]:
            state["m_nodes"] = _count_nodes(total)
        lr = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= lr * p.grad
        state["micrograd"].append((total.data, sum(hits) / len(hits)))

    control = P.control_variant()
    times: dict[str, dict[str, list[float]]] = {
        "histbp": {},
        "micrograd": {},
        "control": {},
    }
    with P.frozen():  # round k: one training step of each engine, interleaved
        for k in range(steps):
            for name, run in (
                ("histbp", lambda c, k=k: histbp_step(c, k)),
                ("micrograd", lambda c, k=k: micrograd_step(c, k)),
                ("control", control),
            ):
                if name == "micrograd" and nn is None:
                    continue
                clock = P.Clock()
                run(clock)
                for label, t in clock.times.items():
                    times[name].setdefault(label, []).append(t)
    res.control(times["control"])

    # nodes on histbp's tape for one forward run (outside the timings)
    nodes: list[int] = []

    def loss_counting(*ps: Any) -> Any:
        out = histbp_loss(ps, X_list, y_list, [])
        nodes.append(len(out.tape))
        return out

    vjp(loss_counting, *params)
    h_acc = [a for _, a in state["histbp"]]
    h_t = P.total(times["histbp"], ("forward", "backward"))
    rows = [
        [
            "histbp (Python floats)",
            nodes[0],
            P.fmt(P.stats(times["histbp"]["forward"])["median"] * 1e3),
            P.fmt(P.stats(times["histbp"]["backward"])["median"] * 1e3),
            P.fmt(P.stats(h_t)["median"] * 1e3),
            P.fmt_ratio(
                P.ratio(times["histbp"]["backward"], times["histbp"]["forward"])
            ),
            f"{h_acc[-1]:.0%}",
            next((k + 1 for k, a in enumerate(h_acc) if a == 1.0), "never"),
        ]
    ]
    meas: dict[str, Any] = {
        "parameters": n_params,
        "steps": steps,
        "points": n_points,
        "histbp": {
            "tape_nodes": nodes[0],
            "loss_accuracy": state["histbp"],
            "forward_ms": P.stats(times["histbp"]["forward"]),
            "backward_ms": P.stats(times["histbp"]["backward"]),
        },
    }
    speed = None
    m_acc: list[float] = []
    if nn is not None:
        m_acc = [a for _, a in state["micrograd"]]
        m_t = P.total(times["micrograd"], ("forward", "backward"))
        speed = P.ratio(m_t, h_t)
        rows.append(
            [
                "micrograd 0.1.0",
                state["m_nodes"],
                P.fmt(P.stats(times["micrograd"]["forward"])["median"] * 1e3),
                P.fmt(P.stats(times["micrograd"]["backward"])["median"] * 1e3),
                P.fmt(P.stats(m_t)["median"] * 1e3),
                P.fmt_ratio(
                    P.ratio(
                        times["micrograd"]["backward"], times["micrograd"]["forward"]
                    )
                ),
                f"{m_acc[-1]:.0%}",
                next((k + 1 for k, a in enumerate(m_acc) if a == 1.0), "never"),
            ]
        )
        h_loss = np.array([v for v, _ in state["histbp"]])
        m_loss = np.array([v for v, _ in state["micrograd"]])
        meas["micrograd"] = {
            "graph_nodes": state["m_nodes"],
            "loss_accuracy": state["micrograd"],
            "forward_ms": P.stats(times["micrograd"]["forward"]),
            "backward_ms": P.stats(times["micrograd"]["backward"]),
        }
        meas["micrograd_over_histbp"] = speed
        meas["max_loss_difference"] = float(np.max(np.abs(h_loss - m_loss)))
    res.table(
        f"One training step on {n_points} points, {steps} steps (= timed rounds)",
        [
            "engine",
            "graph nodes",
            "forward (ms)",
            "backward (ms)",
            "fwd+bwd (ms)",
            "bwd/fwd",
            "final accuracy",
            "first step at 100%",
        ],
        rows,
        notes=[
            "graph nodes: histbp's tape entries for one forward run; micrograd's "
            "Value objects reachable from the loss (inputs and constants wrapped in "
            "Values included). histbp records no node for constants or for a ReLU "
            "that outputs 0.",
        ],
    )
    early, late = slice(0, 10), slice(-10, None)
    phases = {}
    for name in ("histbp", "micrograd") if nn is not None else ("histbp",):
        fwd, bwd = times[name]["forward"], times[name]["backward"]
        phases[name] = {
            "first 10 steps": P.ratio(bwd[early], fwd[early]),
            "last 10 steps": P.ratio(bwd[late], fwd[late]),
        }
    meas["backward_over_forward_by_phase"] = phases
    res.note(
        "histbp's sweep skips every node that never receives a cotangent: a point "
        "whose margin exceeds 1 adds the constant 0 to the loss, so its part of the "
        "graph is skipped, and most points get there as training proceeds. "
        "backward/forward of histbp: "
        + ", ".join(f"{k} {P.fmt_ratio(v)}" for k, v in phases["histbp"].items())
        + (
            "; of micrograd, which runs every node's _backward: "
            + ", ".join(f"{k} {P.fmt_ratio(v)}" for k, v in phases["micrograd"].items())
            if "micrograd" in phases
            else ""
        )
        + "."
    )
    if speed is not None:
        res.table(
            "Per-step ratio",
            ["ratio", "median (p10-p90)"],
            [["micrograd time / histbp time (fwd+bwd)", P.fmt_ratio(speed)]],
            notes=[
                "The two engines follow the same trajectory: the largest difference "
                f"between their losses over the {steps} steps is "
                f"{meas['max_loss_difference']:.1e} (summation order)."
            ],
        )
    full = n_points == 100 and steps == 100
    res.target(
        "faster than micrograd (time per step)",
        "micrograd not installed" if speed is None else f"{P.fmt_ratio(speed)}x",
        None if speed is None else speed["median"] > 1,
    )
    reached = h_acc[-1] == 1.0 and (not m_acc or m_acc[-1] == 1.0)
    res.target(
        "100% accuracy in 100 steps (both engines)",
        f"histbp {h_acc[-1]:.0%}"
        + ("" if not m_acc else f", micrograd {m_acc[-1]:.0%}")
        + f" after {steps} steps",
        reached if full else None,
    )
    res.data["measurements"] = meas
    verdict = (
        (
            "Not judged"
            if speed is None
            else "Met"
            if speed["median"] > 1 and reached
            else "Not met"
        )
        + (
            f": a training step takes micrograd {P.fmt(speed['median'])} times as long "
            "as histbp's scalar engine"
            if speed is not None
            else ": micrograd is not installed"
        )
        + f", and after {steps} steps the accuracy is {h_acc[-1]:.0%} (histbp)"
        + (f" and {m_acc[-1]:.0%} (micrograd)." if m_acc else ".")
    )
    return res.finish(verdict)


if __name__ == "__main__":
    P.script(main)
