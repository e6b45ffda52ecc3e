"""Workload 10: einsum and linalg, a Gaussian process's likelihood, vs autograd.

The function: the negative log marginal likelihood of a Gaussian process with a
squared-exponential kernel with one length scale per input dimension (automatic
relevance determination), on ``n`` random points in ``d`` dimensions,

    K = s^2 exp(-|z_i - z_j|^2 / 2) + sigma^2 I,    z_i = x_i / l,
    -log p(y) = y^T K^-1 y / 2 + log det(K) / 2 + n log(2 pi) / 2,

with the squared distances built by ``einsum``, ``log det`` from the Cholesky
factor's diagonal (``cholesky``, ``diagonal``) and ``K^-1 y`` by two ``solve``
calls with the factor. Its value and gradient with respect to the ``d + 2`` log
hyperparameters (log l, log s, log sigma) is computed by

- histbp: ``value_and_grad`` of the function written with numpy;
- autograd: ``autograd.value_and_grad`` of the same function written with
  ``autograd.numpy``;

each divided by the plain numpy forward pass, and histbp by autograd, in the same
round (issue 12: a new workload timing an einsum/linalg-heavy function against
autograd, the ratio measured in one run).

Target: histbp's (value+grad) time no more than autograd's (ratio <= 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import _protocol as P
import numpy as np

from histbp.autodiff import value_and_grad

NAME = "gp_likelihood"
TITLE = "Gaussian-process marginal likelihood (einsum, cholesky, solve), vs autograd"
POINTS = 256
DIMENSIONS = 8


def make_nll(xp: Any, x: np.ndarray, y: np.ndarray) -> Any:
    """The negative log marginal likelihood, written with ``xp`` (numpy/autograd)."""
    n = x.shape[0]
    eye = np.eye(n)

    def nll(log_hyper):
        log_scales, log_amplitude, log_noise = (
            log_hyper[:-2],
            log_hyper[-2],
            log_hyper[-1],
        )
        z = x / xp.exp(log_scales)
        sq = xp.einsum("id,id->i", z, z)
        dist = sq[:, None] + sq[None, :] - 2.0 * xp.einsum("id,jd->ij", z, z)
        k = xp.exp(2.0 * log_amplitude - 0.5 * dist) + xp.exp(2.0 * log_noise) * eye
        chol = xp.linalg.cholesky(k)
        alpha = xp.linalg.solve(chol.T, xp.linalg.solve(chol, y))
        log_det = 2.0 * xp.sum(xp.log(xp.diagonal(chol, axis1=-1, axis2=-2)))
        return 0.5 * (y @ alpha) + 0.5 * log_det + 0.5 * n * np.log(2.0 * np.pi)

    return nll


def central_difference(f: Any, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """The gradient of ``f`` by central differences, one coordinate at a time."""
    out = np.empty_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        out[i] = (f(x + step) - f(x - step)) / (2.0 * eps)
    return out


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = P.parse_args(argv, __doc__.splitlines()[0])
    res = P.Result(NAME, 8, TITLE, args)
    n = 32 if args.quick else POINTS
    d = DIMENSIONS
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, d))
    y = np.sin(x @ rng.standard_normal(d)) + 0.1 * rng.standard_normal(n)
    hyper = np.concatenate([np.log(np.full(d, 1.5)), [0.0, np.log(0.3)]])

    forward = make_nll(np, x, y)
    histbp_vg = value_and_grad(forward)
    engines = {"histbp value_and_grad": lambda: histbp_vg(hyper)}
    ag = P.optional("autograd")
    if ag is not None:
        import autograd.numpy as anp

        autograd_vg = ag.value_and_grad(make_nll(anp, x, y))
        engines["autograd value_and_grad"] = lambda: autograd_vg(hyper)

    # correctness, outside the timings: central differences, and the two engines
    reference = central_difference(forward, hyper)
    scale = float(np.max(np.abs(reference)))
    agreement = {}
    for name, fn in engines.items():
        value, gradient = fn()
        agreement[name] = {
            "value_error": abs(float(value) - float(forward(hyper))),
            "grad_error_vs_fd": float(np.max(np.abs(gradient - reference))) / scale,
        }
    if ag is not None:
        ours = engines["histbp value_and_grad"]()[1]
        theirs = engines["autograd value_and_grad"]()[1]
        agreement["histbp vs autograd"] = {
            "grad_error": float(np.max(np.abs(ours - theirs))) / scale
        }

    number = P.calibrate(lambda: forward(hyper), 1e-2)
    variants: dict[str, P.Variant] = {
        "control": P.control_variant(),
        "forward": lambda clock: clock.call("t", lambda: forward(hyper), number),
    }
    for name, fn in engines.items():
        variants[name] = lambda clock, fn=fn: clock.call("t", fn, number)
    times = P.interleave(variants, args.rounds)
    res.control(times["control"])

    t_fwd = times["forward"]["t"]
    rows = [["forward (plain numpy)", P.fmt(P.stats(t_fwd)["median"] * 1e3), "1", ""]]
    figures: dict[str, Any] = {}
    for name in engines:
        t = times[name]["t"]
        figures[name] = {
            "median_ms": P.stats(t)["median"] * 1e3,
            "over_forward": P.ratio(t, t_fwd),
        }
        rows.append(
            [
                name,
                P.fmt(figures[name]["median_ms"]),
                P.fmt_ratio(figures[name]["over_forward"]),
                f"{agreement[name]['grad_error_vs_fd']:.1e}",
            ]
        )
    res.table(
        f"n = {n} points, d = {d} dimensions ({d + 2} hyperparameters), float64, "
        f"{number} call(s) per timing",
        [
            "method",
            "median (ms)",
            "(value+grad) / forward",
            "max gradient difference to central differences (relative)",
        ],
        rows,
    )
    full = n == POINTS
    if ag is not None:
        versus = P.ratio(
            times["histbp value_and_grad"]["t"], times["autograd value_and_grad"]["t"]
        )
        figures["histbp over autograd"] = versus
        res.target(
            "histbp (value+grad) time <= autograd's",
            f"histbp / autograd = {P.fmt_ratio(versus)}",
            versus["median"] <= 1.0 if full else None,
        )
        verdict = (
            f"{'Met' if versus['median'] <= 1.0 else 'Not met'}: histbp's value and "
            f"gradient take {P.fmt(versus['median'])}x autograd's time "
            f"({P.fmt(figures['histbp value_and_grad']['over_forward']['median'])} "
            "forward passes against "
            f"{P.fmt(figures['autograd value_and_grad']['over_forward']['median'])}); "
            "the gradients agree to "
            f"{agreement['histbp vs autograd']['grad_error']:.0e} (relative)."
        )
    else:
        res.target(
            "histbp (value+grad) time <= autograd's", "autograd not installed", None
        )
        verdict = (
            "Not judged: autograd is not installed; histbp's value and gradient take "
            f"{P.fmt(figures['histbp value_and_grad']['over_forward']['median'])} "
            "forward passes."
        )
    res.note(
        "The gradient is taken with respect to the log hyperparameters, through a "
        "symmetric K: numpy's cholesky reads K's lower triangle (histbp gives the "
        "derivative of that function), autograd gives the symmetric gradient; the "
        "two agree on every symmetric direction, so the hyperparameters' gradients "
        "are the same."
    )
    res.note(
        "Most of the time is in the O(n^3) factorisations and solves, in the forward "
        "pass and in the rules (histbp's cholesky rule inverts the factor; its solve "
        "rule solves with the transposed matrix; autograd's cholesky rule runs two "
        "generic solves), so the ratio measures the rules more than the tape."
    )
    res.data["measurements"] = {
        "points": n,
        "dimensions": d,
        "calls_per_timing": number,
        "forward_ms": P.stats(t_fwd)["median"] * 1e3,
        "methods": figures,
        "agreement": agreement,
    }
    return res.finish(verdict)


if __name__ == "__main__":
    P.script(main)
