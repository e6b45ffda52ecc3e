"""Workload 2: fan-out/fan-in, ``x = (x + x) / 2`` repeated N times.

Each step uses ``x`` twice (fan-out) and joins the two uses again (fan-in). The chain
rule expanded path by path would follow 2^N paths; a tape that sums the cotangents of
each node's uses before passing them on does one visit per node, so the time must grow
linearly in N. The gradient is exactly 1: every step halves the cotangent and adds two
equal halves, with no rounding. Targets: gradient exactly 1; t(10N)/t(N) in [5, 20].
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import _protocol as P

from histbp.autodiff import value_and_grad

NAME = "fan"
TITLE = "Fan-out/fan-in: x = (x + x) / 2 repeated N times"


def fan(x: Any, n: int) -> Any:
    """``x = (x + x) / 2`` repeated ``n`` times (the identity, through 2n nodes)."""
    for _ in range(n):
        x = (x + x) / 2
    return x


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = P.parse_args(argv, __doc__.splitlines()[0])
    res = P.Result(NAME, 2, TITLE, args)
    sizes = (100, 1000) if args.quick else (10**4, 10**5)
    x0 = 0.7
    vg = value_and_grad(fan)

    checks: dict[int, dict[str, Any]] = {}
    for n in sizes:
        nodes: list[int] = []

        def counted(x: Any, n: int = n, nodes: list[int] = nodes) -> Any:
            y = fan(x, n)
            nodes.append(len(y.tape))
            return y

        value, g = value_and_grad(counted)(x0)
        checks[n] = {"value": value, "grad": g, "tape_nodes": nodes[0]}

    variants: dict[str, P.Variant] = {"control": P.control_variant()}
    for n in sizes:
        k = P.calibrate(lambda n=n: fan(x0, n))
        variants[f"plain {n}"] = lambda clock, n=n, k=k: clock.call(
            "t", lambda: fan(x0, n), k
        )
        variants[f"histbp {n}"] = lambda clock, n=n: clock.call("t", lambda: vg(x0, n))
    times = P.interleave(variants, args.rounds)
    res.control(times["control"])

    small, large = sizes
    rows = []
    for n in sizes:
        t_plain = times[f"plain {n}"]["t"]
        t_hist = times[f"histbp {n}"]["t"]
        c = checks[n]
        rows.append(
            [
                P.fmt_n(n),
                c["tape_nodes"],
                repr(c["grad"]),
                P.fmt(P.stats(t_hist)["median"] * 1e3),
                P.fmt(P.stats(t_hist)["median"] / (2 * n) * 1e6),
                P.fmt_ratio(P.ratio(t_hist, t_plain)),
            ]
        )
    scaling = P.ratio(times[f"histbp {large}"]["t"], times[f"histbp {small}"]["t"])
    plain_scaling = P.ratio(times[f"plain {large}"]["t"], times[f"plain {small}"]["t"])
    res.table(
        "value_and_grad of the fan-out/fan-in chain",
        [
            "N",
            "tape nodes",
            "gradient",
            "value+grad (ms)",
            "us per operation",
            "value+grad / plain call",
        ],
        rows,
        notes=[
            "2N operations per call (an addition and a division per step); the plain "
            "call runs the same Python function on a float, untraced.",
        ],
    )
    res.table(
        "Scaling",
        ["ratio", "median (p10-p90)"],
        [
            [f"histbp t({P.fmt_n(large)}) / t({P.fmt_n(small)})", P.fmt_ratio(scaling)],
            [
                f"plain t({P.fmt_n(large)}) / t({P.fmt_n(small)})",
                P.fmt_ratio(plain_scaling),
            ],
        ],
    )
    exact = all(c["grad"] == 1.0 and type(c["grad"]) is float for c in checks.values())
    linear = 5 <= scaling["median"] <= 20
    res.target(
        "gradient exactly 1",
        ", ".join(f"N={P.fmt_n(n)}: {c['grad']!r}" for n, c in checks.items()),
        exact,
        exact=True,
    )
    res.target(
        "linear: t(10N)/t(N) between 5 and 20",
        f"{P.fmt_ratio(scaling)} (N={P.fmt_n(small)} to {P.fmt_n(large)})",
        linear,
    )
    res.data["measurements"] = {
        "checks": {str(n): c for n, c in checks.items()},
        "scaling": scaling,
        "plain_scaling": plain_scaling,
        "median_s": {
            k: P.stats(v["t"])["median"] for k, v in times.items() if "t" in v
        },
    }
    verdict = (
        f"{'Met' if exact and linear else 'Not met'}: the gradient is exactly "
        f"{'1' if exact else 'not 1'} at both sizes and ten times the steps take "
        f"{P.fmt(scaling['median'])} times as long (target 5-20), so the tape visits "
        "each node once instead of following 2^N paths."
    )
    return res.finish(verdict)


if __name__ == "__main__":
    P.script(main)
