"""What each timeline entry's page checks against its source, with a verdict.

Each :class:`Check` records one claim: the source's figure (or the closed form that
stands in for it), where our figure is read from, the tolerance and the verdict. Our
figure is not written here: :attr:`Check.output` is a regular expression that the
site's build matches against the printed output of the entry's executed page, so
the reproduction status page shows what the cells printed in that very build.
A check with no ``output`` was not re-run at build time; its :attr:`Check.ours`
says what was found and where.

The verdicts (:data:`VERDICTS`):

``reproduced``
    The source's own example or experiment, re-run, gives the source's figure.
``confirmed``
    The method, run here, agrees with an independent check (a closed form, finite
    differences, another method) or confirms a figure reported for it.
``differs``
    The figure we obtain is not the source's; the page says how and why.
``reported only``
    The source's figure is quoted; it could not be re-run at this scale.

Examples
--------
>>> from histbp import timeline
>>> [c.verdict for c in timeline.get("bryson-ho").checks]
['confirmed']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["CHECKS", "VERDICTS", "Check"]

#: The verdicts a check can have, from the strongest to the weakest claim.
VERDICTS: Final = ("reproduced", "confirmed", "differs", "reported only")


@dataclass(frozen=True, slots=True)
class Check:
    """One claim of a source, checked (or not) on the entry's page.

    Attributes
    ----------
    claim
        What was checked, in a few words.
    source
        The source's figure, or the closed form the page checks against.
    tolerance
        The accepted difference, as the page's code or text sets it.
    verdict
        One of :data:`VERDICTS`.
    output
        A regular expression with one group, matched (multi-line) against the
        printed output of the entry's executed page: the group is our figure.
        Empty when the figure is not printed by the page's cells.
    ours
        Our figure and where it comes from, for a check with no ``output``.
    """

    claim: str
    source: str
    tolerance: str
    verdict: str
    output: str = ""
    ours: str = ""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(
                f"verdict {self.verdict!r} of {self.claim!r} is not one of {VERDICTS}"
            )
        if self.output:
            if re.compile(self.output).groups != 1:
                raise ValueError(f"output pattern of {self.claim!r} needs one group")
        elif not self.ours:
            raise ValueError(f"check {self.claim!r} needs an output pattern or ours")

    def ours_in(self, printed: str) -> str | None:
        """Our figure as the page printed it, or None when the pattern finds none."""
        if not self.output:
            return self.ours
        found = re.search(self.output, printed, flags=re.M)
        return found.group(1).strip() if found else None


_C = Check

#: The checks of each entry, by the entry's slug.
CHECKS: Final[dict[str, tuple[Check, ...]]] = {
    "leibniz": (
        _C(
            "derivative of a composition, reverse and forward mode, at 13 points",
            "the closed-form derivative",
            "1e-14",
            "confirmed",
            r"largest difference from the closed form over 13 points: (\S+)",
        ),
    ),
    "lhopital": (
        _C(
            "the book's limit by the rule, at a = 1",
            "16a/9 = 1.777777777778",
            "1e-12",
            "reproduced",
            r"^a = 1\.0: rule (\S+)",
        ),
    ),
    "euler": (
        _C(
            "brachistochrone by descent, 32 segments, end (π, 2)",
            "the cycloid's time π√(R/g) = 1.003033 s",
            "excess of first order in 1/n, halving as n doubles",
            "confirmed",
            r"^32\s+(\d+\.\d+)",
        ),
    ),
    "cauchy": (
        _C(
            "steepest descent's contraction per step from the worst start",
            "Kantorovich's bound ((κ-1)/(κ+1))² = (9/11)² = 0.669421",
            "1e-9",
            "confirmed",
            r"measured, first five steps = \[(\S+)",
        ),
    ),
    "hadamard": (
        _C(
            "descent on the clamped plate against a direct solve",
            "np.linalg.solve of the same system",
            "1e-9, relative",
            "confirmed",
            r"largest difference from np\.linalg\.solve, relative: (\S+)",
        ),
        _C(
            "growth of the descent's steps with the grid",
            "slope 4 against 1/h (condition number ~ h⁻⁴)",
            "±0.2",
            "confirmed",
            r"log-log slopes against 1/h: steps (\S+),",
        ),
    ),
    "robbins-monro": (
        _C(
            "the 0.9-quantile of N(0, 1), mean of 400 runs",
            "1.2815515655",
            "0.01 (spread of one run 0.017)",
            "confirmed",
            r"mean of 400 estimates:\s+(\S+)",
        ),
        _C(
            "rate of the error",
            "n^(-1/2)",
            "slope -0.5 ± 0.05",
            "confirmed",
            r"fitted slope for n >= 100: (\S+)",
        ),
    ),
    "kiefer-wolfowitz": (
        _C(
            "maximiser of a noisy parabola, mean of 200 runs",
            "1.5",
            "0.005",
            "confirmed",
            r"mean of 200 estimates after 5000 steps: (\S+)",
        ),
        _C(
            "rate of the error",
            "n^(-1/3)",
            "slope -0.33 ± 0.05",
            "confirmed",
            r"fitted slopes for n >= 100: Kiefer-Wolfowitz (\S+),",
        ),
    ),
    "bellman": (
        _C(
            "dynamic programming against the Riccati recursion, P_t at all stages",
            "the Riccati recursion",
            "1e-12, relative",
            "confirmed",
            r"largest relative difference, P_t over all stages: (\S+)",
        ),
    ),
    "kelley": (
        _C(
            "adjoint gradient of the sail transfer against finite differences",
            "finite differences (Kelley publishes no figure for this case)",
            "1e-8",
            "confirmed",
            r"30 angles x 3 terminal quantities: (\S+)",
        ),
    ),
    "bryson": (
        _C(
            "multipliers passed back against reverse mode",
            "histbp's reverse mode",
            "1e-12",
            "confirmed",
            r"largest difference from reverse mode:\s+(\S+)",
        ),
        _C(
            "Bryson-Denham problem, optimal cost at l = 1/9",
            "4/(9l) = 4",
            "1e-6 (Richardson extrapolation)",
            "reproduced",
            r"Richardson extrapolation from N = 400 and 800: (\S+)",
        ),
    ),
    "pontryagin": (
        _C(
            "minimum time of the double integrator from x0 = 4",
            "T* = 2√|x0| = 4",
            "1e-9",
            "confirmed",
            r"^\s+4\.00\s+(\S+)",
        ),
    ),
    "dreyfus-variational": (
        _C(
            "the chain rule's gradient against Bryson's multipliers",
            "Bryson's multipliers",
            "1e-12, relative",
            "confirmed",
            r"over all stages: gradient (\S+),",
        ),
    ),
    "ivakhnenko-lapa": (
        _C(
            "GMDH finds y = x1 x2 + x3² among distractors: checking error, layer 3",
            "no figure in the source (our test problem); a linear model: 100.5%",
            "below 1% of var(y)",
            "confirmed",
            r"^layer 3: best checking error \S+ =\s+(\S+)",
        ),
    ),
    "wilkinson": (
        _C(
            "first-order eigenvalue shift: error / ε² at ε = 1e-5",
            "a constant (the error is of second order)",
            "error ratios of 100 per decade of ε",
            "confirmed",
            r"^\s+1e-05\s+\S+\s+\S+\s+(\S+)",
        ),
        _C(
            "gradient of a simple eigenvalue against finite differences",
            "y xᵀ / (yᵀ x) (the perturbation formula)",
            "1e-7",
            "confirmed",
            r"finite differences vs formula:\s+(\S+)",
        ),
    ),
    "tsypkin": (
        _C(
            "LMS weights after 20,000 draws",
            "the Wiener solution (17/70, 3/14, 25/14) = (0.2429, 0.2143, 1.7857)",
            "0.04 per coefficient",
            "confirmed",
            r"LMS after 20,000 draws: \[(.+?)\]",
        ),
    ),
    "amari-saito": (
        _C(
            "five layers, last two modifiable: test accuracy (seed 0)",
            "Saito: the network learns what the last layer alone cannot (no figure)",
            "100% on the separable clusters",
            "confirmed",
            r"^modifiable layers: 2, seed 0: .*test\s+(\S+)",
        ),
        _C(
            "only the last layer modifiable: best training accuracy",
            "below 100% (the task is not linearly separable in the fixed features)",
            "below 100%",
            "confirmed",
            r"best accuracy with only the last layer modifiable: (\S+)",
        ),
    ),
    "bryson-ho": (
        _C(
            "orbit raising: final radius r(tf)",
            "1.525 (reported for Bryson and Ho's example)",
            "±0.0005 (its four digits)",
            "confirmed",
            r"Richardson extrapolation \(error ~ h\^2\): (\S+)",
        ),
    ),
    "linnainmaa": (
        _C(
            "variance of one rounding, base 2, in units of u²",
            "0.1803 (the thesis)",
            "its four digits",
            "reproduced",
            r"^\s+2\s+24\s+(\S+)",
        ),
        _C(
            "variance of one rounding, base 64, in units of u²",
            "41.02 (the thesis)",
            "0.01: the formula gives 41.0266, which the thesis appears to cut",
            "reproduced",
            r"^\s+64\s+4\s+(\S+)",
        ),
        _C(
            "crossover of a·a - c·c and (a+c)(a-c) under the error model",
            "√(2 + √3) = 1.932 (the thesis)",
            "1e-9",
            "reproduced",
            r"model crossover: (\S+);",
        ),
        _C(
            "the same crossover in float32 arithmetic, at a/c = 1.932",
            "the two forms equally accurate at 1.932 (the thesis's model)",
            "the model's equality",
            "differs",
            r"at a/c = 1\.932, float32: (.+)$",
        ),
    ),
    "ostrovskii": (
        _C(
            "reverse accumulation on a reactor cascade against forward mode",
            "the forward-mode Jacobian",
            "1e-12",
            "confirmed",
            r"largest \|reverse - forward\|\s+= (\S+)",
        ),
    ),
    "dreyfus-control": (
        _C(
            "feedback gains adapted by the backward sweep, without lag",
            "the Riccati gain [0.8419 1.547], computed",
            "2e-3",
            "confirmed",
            r"K_0 adapted \[(.+?)\]",
        ),
    ),
    "werbos-thesis": (
        _C(
            "ordered derivatives of a 33-variable system",
            "histbp's reverse mode",
            "1e-10",
            "confirmed",
            r"all 33 variables: largest difference (\S+)",
        ),
    ),
    "amari-association": (
        _C(
            "layer-by-layer chain rule against the backward sweep",
            "the 1982 backward sweep",
            "1e-12",
            "confirmed",
            r"chain rule per layer vs backward sweep \(1982\): (\S+)",
        ),
    ),
    "speelpenning": (
        _C(
            "reverse sweep of Speelpenning's product: operations / forward, n = 1000",
            "3n: three times the forward sweep",
            "exact",
            "reproduced",
            r"^\s+1000\s+1000\s+3000\s+(\S+)",
        ),
    ),
    "werbos-networks": (
        _C(
            "backpropagation's gradient against central differences, every partial",
            "central differences over 54 parameters (histbp.testing.check_grads)",
            "1e-8",
            "confirmed",
            r"all 54 partial derivatives agree within (\S+) \(",
        ),
    ),
    "parker-lecun": (
        _C(
            "the unit-by-unit rule against reverse mode",
            "histbp.autodiff",
            "1e-12",
            "confirmed",
            r"^unit-by-unit rule vs histbp\.autodiff:\s+(\S+)",
        ),
    ),
    "rumelhart-hinton-williams": (
        _C(
            "symmetry: ratio of the mirror weights' sizes",
            "1 : 2 : 4",
            "0.1",
            "reproduced",
            r"sorted ratios: \[\[(.+?)\]",
        ),
        _C(
            "symmetry: sweeps to converge (median over 20 seeds)",
            "1,425 (one run reported)",
            "the same order",
            "differs",
            r"median over all 20 seeds: (\S+)",
        ),
    ),
    "schmidhuber-chunker": (
        _C(
            "chunker on the 20-step lag: sequences until the target is predicted",
            "13 of 17 runs under 5,000 sequences",
            "under 5,000",
            "reproduced",
            r"target predicted by the system after\s+(\d+)",
        ),
        _C(
            "conventional recurrent net, full BPTT, on the same task",
            "no solution within 1,000,000 sequences",
            "no solution (our runs stop at 3,000 here, 100,000 in the benchmark)",
            "reproduced",
            r"(solved after \S+ of 3000) training",
        ),
    ),
    "schmidhuber-history-compressor": (
        _C(
            "inputs each level of the stack reads, by the closed form",
            "2 + 1200/10, 2 + 1200/100, ...: 1202, 122, 14, 3, 2",
            "exact",
            "confirmed",
            r"inputs per level: (\[[^\]]*\])",
        ),
        _C(
            "four stacked history compressors on a 1,200-step lag",
            "credit assignment across more than 1,000 steps (the thesis; not re-read)",
            "learnt within 300 training sequences (our task and sizes)",
            "confirmed",
            r"the 1,200-step lag learnt after (\d+) training sequences",
        ),
        _C(
            "plain BPTT on the same task",
            "fails where the stack succeeds",
            "no solution within 200 sequences (500 in the reproduce script)",
            "confirmed",
            r"(solved after \S+ of 200) sequences",
        ),
    ),
    "hinton-salakhutdinov": (
        _C(
            "deep autoencoder on 8x8 digits: error per test image, pre-trained",
            "pre-training beats a random start (MNIST figures not re-run)",
            "lower than from random weights (4.71 here)",
            "confirmed",
            r"pre-trained, then backprop: (\S+)",
        ),
        _C(
            "MNIST classification error",
            "1.2% pre-trained, 1.6% without (reported)",
            "not re-run",
            "reported only",
            ours="not run: the page trains on scikit-learn's 8x8 digits",
        ),
    ),
    "ciresan": (
        _C(
            "plain backpropagation with deformations on 8x8 digits: test error",
            "deformations help (the paper's MNIST setting)",
            "below the undeformed run",
            "confirmed",
            r"test error, deformed training images: (\S+)",
        ),
        _C(
            "MNIST test error of a deep MLP trained by plain backpropagation",
            "0.35% (12.11 M weights)",
            "same setting at a smaller scale",
            "differs",
            ours=(
                "0.76% with 1.29 M weights in 45 min on 2 cores "
                "(benchmarks/results/mnist_plain_backprop.json)"
            ),
        ),
    ),
    "griewank": (
        _C(
            "cheap gradient principle: reverse sweep / f on a network of 3,168 weights",
            "a small constant, at most 3 for multiplications",
            "bounded as n grows",
            "confirmed",
            r"^network\s+3168\s+\S+\s+\S+\s+(\S+)",
        ),
    ),
}
