"""The dated entries of the history of backpropagation, held once, as data.

Everything else on the site is derived from or checked against :data:`ENTRIES`: the
timeline table on the landing page, the previous/next links on each entry page, and
the tests that hold each page to its citations and implementations.

Examples
--------
>>> from histbp import timeline
>>> timeline.get("linnainmaa").year
1970
>>> [e.slug for e in timeline.ENTRIES][:3]
['leibniz', 'lhopital', 'euler']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Final

from histbp.reproduction import CHECKS, Check

__all__ = ["ENTRIES", "STRANDS", "Entry", "by_page", "get", "neighbours"]

#: The strands the entries belong to, in the order the site presents them.
STRANDS: Final = (
    "calculus and descent",
    "stochastic approximation",
    "optimal control",
    "reverse mode",
    "neural networks",
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One dated entry of the timeline.

    Attributes
    ----------
    slug
        Short unique identifier, also the last part of the page name.
    year
        The year used to place and sort the entry.
    date
        The date as the page shows it (``"1953/1957"`` where two dates matter).
    people
        The people credited, in the order of the publication.
    title
        A short title of what was done.
    strand
        One of :data:`STRANDS`.
    cite_keys
        Keys into ``references.bib``; the first is the primary source.
    summary
        One sentence on what the entry contributed.
    implementations
        Dotted names of the ``histbp`` callables that run the method; empty until
        the method is implemented.
    """

    slug: str
    year: int
    date: str
    people: tuple[str, ...]
    title: str
    strand: str
    cite_keys: tuple[str, ...]
    summary: str
    implementations: tuple[str, ...] = ()

    @property
    def page(self) -> str:
        """The Sphinx document name of the entry's page, e.g. ``timeline/1970-...``."""
        return f"timeline/{self.year}-{self.slug}"

    @property
    def implemented(self) -> bool:
        """Whether the entry's method is implemented in ``histbp`` yet."""
        return bool(self.implementations)

    @property
    def checks(self) -> tuple[Check, ...]:
        """What the entry's page checks against its source, with verdicts.

        The checks are data in :data:`histbp.reproduction.CHECKS`, by slug; the
        site's reproduction status page is made from them.
        """
        return CHECKS.get(self.slug, ())


def _entry(
    *,
    slug: str,
    year: int,
    people: tuple[str, ...],
    title: str,
    strand: str,
    cite_keys: tuple[str, ...],
    summary: str,
    date: str | None = None,
    implementations: tuple[str, ...] = (),
) -> Entry:
    return Entry(
        slug=slug,
        year=year,
        date=date or str(year),
        people=people,
        title=title,
        strand=strand,
        cite_keys=cite_keys,
        summary=summary,
        implementations=implementations,
    )


_CALCULUS, _STOCHASTIC, _CONTROL, _REVERSE, _NETS = STRANDS

#: Every entry of the timeline, in chronological order.
ENTRIES: Final[tuple[Entry, ...]] = (
    _entry(
        slug="leibniz",
        year=1676,
        people=("Gottfried Wilhelm Leibniz",),
        title="The chain rule",
        strand=_CALCULUS,
        cite_keys=("leibniz2007", "rodriguez2010"),
        summary=(
            "The derivative of a function of a function, written down in a 1676 memoir."
        ),
        implementations=(
            "histbp.autodiff.grad",
            "histbp.autodiff.jvp",
            "histbp.autodiff.backward_pass",
        ),
    ),
    _entry(
        slug="lhopital",
        year=1696,
        people=("Guillaume de l'Hôpital",),
        title="The first textbook of the differential calculus",
        strand=_CALCULUS,
        cite_keys=("lhopital1696",),
        summary=(
            "Leibniz's rules, including the chain rule, taught in a book, with the "
            "limit rule that now carries l'Hôpital's name."
        ),
        implementations=(
            "histbp.autodiff.grad",
            "histbp.autodiff.jvp",
            "histbp.autodiff.Dual",
        ),
    ),
    _entry(
        slug="euler",
        year=1744,
        people=("Leonhard Euler",),
        title="The calculus of variations",
        strand=_CALCULUS,
        cite_keys=("euler1744",),
        summary=(
            "Curves that minimise an integral, characterised by what became the "
            "Euler-Lagrange equation."
        ),
        implementations=(
            "histbp.control.brachistochrone",
            "histbp.control.discrete_travel_time",
            "histbp.control.cycloid",
        ),
    ),
    _entry(
        slug="cauchy",
        year=1847,
        people=("Augustin-Louis Cauchy",),
        title="Gradient descent",
        strand=_CALCULUS,
        cite_keys=("cauchy1847", "lemarechal2012"),
        summary=(
            "Solving a system of equations by stepping down the gradient of the sum "
            "of its squared residuals."
        ),
        implementations=(
            "histbp.optimize.steepest_descent_quadratic",
            "histbp.optimize.steepest_descent",
            "histbp.optimize.armijo_backtracking",
            "histbp.optimize.solve_system",
            "histbp.optimize.kantorovich_rate",
            "histbp.optimize.worst_case_start",
        ),
    ),
    _entry(
        slug="hadamard",
        year=1908,
        people=("Jacques Hadamard",),
        title="Descent for the clamped plate",
        strand=_CALCULUS,
        cite_keys=("hadamard1908",),
        summary=(
            "The equilibrium of a clamped elastic plate, in a memoir the source lists "
            "as gradient descent."
        ),
        implementations=(
            "histbp.optimize.clamped_plate_descent",
            "histbp.optimize.clamped_plate_matrix",
            "histbp.optimize.clamped_plate_energy",
        ),
    ),
    _entry(
        slug="robbins-monro",
        year=1951,
        people=("Herbert Robbins", "Sutton Monro"),
        title="Stochastic approximation",
        strand=_STOCHASTIC,
        cite_keys=("robbins1951",),
        summary=(
            "Finding the root of a function seen only through noise, with steps that "
            "shrink just fast enough."
        ),
        implementations=("histbp.optimize.robbins_monro",),
    ),
    _entry(
        slug="kiefer-wolfowitz",
        year=1952,
        people=("Jack Kiefer", "Jacob Wolfowitz"),
        title="Stochastic estimation of a maximum",
        strand=_STOCHASTIC,
        cite_keys=("kiefer1952",),
        summary="Climbing a noisy function with finite-difference gradient estimates.",
        implementations=("histbp.optimize.kiefer_wolfowitz",),
    ),
    _entry(
        slug="bellman",
        year=1953,
        people=("Richard Bellman",),
        title="Dynamic programming",
        strand=_CONTROL,
        cite_keys=("bellman1953", "bellman1957"),
        summary="Optimal decisions computed backwards, stage by stage, from the end.",
        date="1953/1957",
        implementations=(
            "histbp.control.lqr_dynamic_programming",
            "histbp.control.riccati_recursion",
            "histbp.control.grid_dynamic_programming",
            "histbp.control.tabular_dynamic_programming",
        ),
    ),
    _entry(
        slug="kelley",
        year=1960,
        people=("Henry J. Kelley",),
        title="Gradient theory of optimal flight paths",
        strand=_CONTROL,
        cite_keys=("kelley1960",),
        summary=(
            "Steepest descent on a control history, with gradients from adjoint "
            "equations integrated backwards in time."
        ),
        implementations=(
            "histbp.control.sail_transfer",
            "histbp.control.rk4_adjoint",
        ),
    ),
    _entry(
        slug="bryson",
        year=1961,
        people=("Arthur E. Bryson",),
        title="A gradient method for multi-stage allocation",
        strand=_CONTROL,
        cite_keys=("bryson1961", "bryson1962steepest"),
        summary=(
            "Gradients of a multi-stage process obtained by passing multipliers from "
            "the last stage back to the first."
        ),
        implementations=(
            "histbp.control.bryson_gradient",
            "histbp.control.bryson_steepest_descent",
            "histbp.control.bryson_denham",
        ),
    ),
    _entry(
        slug="pontryagin",
        year=1961,
        people=(
            "Lev Pontryagin",
            "Vladimir Boltyanskii",
            "Revaz Gamkrelidze",
            "Evgenii Mishchenko",
        ),
        title="The maximum principle",
        strand=_CONTROL,
        cite_keys=("pontryagin1962",),
        summary=(
            "Necessary conditions for optimal control through a Hamiltonian and "
            "costates that run backwards in time."
        ),
        implementations=(
            "histbp.control.minimum_time_double_integrator",
            "histbp.control.discrete_minimum_time",
            "histbp.control.simulate_double_integrator",
            "histbp.control.switching_curve",
        ),
    ),
    _entry(
        slug="dreyfus-variational",
        year=1962,
        people=("Stuart E. Dreyfus",),
        title="Variational problems by the chain rule",
        strand=_CONTROL,
        cite_keys=("dreyfus1962",),
        summary=(
            "The backward recursion for the gradient derived from the chain rule alone."
        ),
        implementations=("histbp.control.dreyfus_gradient",),
    ),
    _entry(
        slug="wilkinson",
        year=1965,
        people=("James H. Wilkinson",),
        title="Rounding-error and perturbation analysis",
        strand=_REVERSE,
        cite_keys=("wilkinson1965",),
        summary=(
            "First-order perturbation theory for eigenvalues and the backward view of "
            "rounding errors."
        ),
        implementations=(
            "histbp.autodiff.eigenvalue_sensitivity",
            "histbp.autodiff.nearest_eigenvalue",
            "histbp.autodiff.eigenpair_backward_error",
            "histbp.autodiff.dominant_eigenvalue",
        ),
    ),
    _entry(
        slug="ivakhnenko-lapa",
        year=1965,
        people=("Alexey Ivakhnenko", "Valentin Lapa"),
        title="The group method of data handling",
        strand=_NETS,
        cite_keys=("ivakhnenko1965", "ivakhnenko1968", "ivakhnenko1971"),
        summary=(
            "Deep networks of polynomial units grown layer by layer by regression and "
            "pruned on held-out data."
        ),
        implementations=("histbp.nets.GMDH", "histbp.nets.fit_gmdh_layer"),
    ),
    _entry(
        slug="tsypkin",
        year=1966,
        people=("Yakov Tsypkin",),
        title="Gradient-based on-line learning",
        strand=_STOCHASTIC,
        cite_keys=("tsypkin1966", "tsypkin1971"),
        summary=(
            "Adaptation of a system's parameters by stochastic gradient steps, one "
            "observation at a time."
        ),
        implementations=(
            "histbp.optimize.tsypkin_learning",
            "histbp.optimize.lms",
            "histbp.optimize.wiener_solution",
        ),
    ),
    _entry(
        slug="amari-saito",
        year=1967,
        people=("Shun'ichi Amari", "H. Saito"),
        title="Stochastic gradient descent for multilayer perceptrons",
        strand=_NETS,
        cite_keys=("amari1967", "amari1968", "saito1967"),
        summary=(
            "A multilayer classifier trained end to end by stochastic gradient "
            "descent learned internal representations."
        ),
        implementations=(
            "histbp.nets.train_multilayer_sgd",
            "histbp.nets.sgd_epoch",
            "histbp.nets.xor_clusters",
        ),
    ),
    _entry(
        slug="bryson-ho",
        year=1969,
        people=("Arthur E. Bryson", "Yu-Chi Ho"),
        title="Applied Optimal Control",
        strand=_CONTROL,
        cite_keys=("brysonho1969",),
        summary="The textbook that set out the adjoint gradient method for engineers.",
        implementations=(
            "histbp.control.orbit_raising",
            "histbp.control.projected_gradient_step",
        ),
    ),
    _entry(
        slug="linnainmaa",
        year=1970,
        people=("Seppo Linnainmaa",),
        title="The reverse mode of automatic differentiation",
        strand=_REVERSE,
        cite_keys=("linnainmaa1970", "linnainmaa1976"),
        summary=(
            "Derivatives of a program's output with respect to every intermediate "
            "value, in one backward sweep over a recorded tape."
        ),
        implementations=(
            "histbp.autodiff.linnainmaa_record",
            "histbp.autodiff.LinnainmaaTape",
            "histbp.autodiff.accumulated_error",
            "histbp.autodiff.simulate_relative_error",
            "histbp.autodiff.compare_difference_of_squares",
            "histbp.autodiff.horner",
        ),
    ),
    _entry(
        slug="ostrovskii",
        year=1971,
        people=("G. M. Ostrovskii", "Yu. M. Volin", "W. W. Borisov"),
        title="Reverse derivatives for process models",
        strand=_REVERSE,
        cite_keys=("ostrovskii1971",),
        summary=(
            "Reverse accumulation of derivatives in a journal paper, which the source "
            "calls apparently the first journal publication on backpropagation."
        ),
        implementations=(
            "histbp.autodiff.jacobian",
            "histbp.autodiff.accumulate_jacobian",
        ),
    ),
    _entry(
        slug="dreyfus-control",
        year=1973,
        people=("Stuart E. Dreyfus",),
        title="Backpropagation to adapt control parameters",
        strand=_CONTROL,
        cite_keys=("dreyfus1973",),
        summary=(
            "Controller parameters adapted along gradients computed by a backward "
            "sweep."
        ),
        implementations=(
            "histbp.control.feedback_gradient",
            "histbp.control.adapt_feedback",
            "histbp.control.feedback_cost",
        ),
    ),
    _entry(
        slug="werbos-thesis",
        year=1974,
        people=("Paul J. Werbos",),
        title="Ordered derivatives",
        strand=_REVERSE,
        cite_keys=("werbos1974",),
        summary=(
            "Total derivatives of a target through an ordered system of equations, "
            "summed backwards."
        ),
        implementations=("histbp.nets.ordered_derivatives",),
    ),
    _entry(
        slug="amari-association",
        year=1977,
        people=("Shun'ichi Amari",),
        title="Neural theory of association and concept formation",
        strand=_NETS,
        cite_keys=("amari1977",),
        summary=(
            "Gradient descent for learning in multilayer networks, in a theory of "
            "associative memory."
        ),
        implementations=("histbp.nets.chain_rule_gradients",),
    ),
    _entry(
        slug="speelpenning",
        year=1980,
        people=("Bert Speelpenning",),
        title="Compiling fast partial derivatives",
        strand=_REVERSE,
        cite_keys=("speelpenning1980",),
        summary=(
            "A program that reads a program and writes another that computes its "
            "gradient by a reverse sweep."
        ),
        implementations=("histbp.autodiff.compile_gradient",),
    ),
    _entry(
        slug="werbos-networks",
        year=1982,
        people=("Paul J. Werbos",),
        title="Backpropagation applied to neural networks",
        strand=_NETS,
        cite_keys=("werbos1982",),
        summary=(
            "Efficient reverse-mode gradients proposed for training neural networks."
        ),
        implementations=(
            "histbp.nets.backprop",
            "histbp.nets.train_mlp",
        ),
    ),
    _entry(
        slug="parker-lecun",
        year=1985,
        people=("David B. Parker", "Yann LeCun"),
        title="Learning-logic and an asymmetric threshold network",
        strand=_NETS,
        cite_keys=("parker1985", "lecun1985"),
        summary=(
            "Two further formulations of error backpropagation for networks, listed "
            "by the source as additional work."
        ),
        implementations=(
            "histbp.nets.unit_backprop",
            "histbp.nets.unit_gradients",
            "histbp.nets.UnitNetwork",
        ),
    ),
    _entry(
        slug="rumelhart-hinton-williams",
        year=1985,
        people=("David E. Rumelhart", "Geoffrey E. Hinton", "Ronald J. Williams"),
        title="Learning internal representations by error propagation",
        strand=_NETS,
        cite_keys=("rumelhart1985", "rumelhart1986"),
        summary=(
            "Experiments showing that backpropagation gives hidden units useful "
            "internal representations."
        ),
        date="1985/1986",
        implementations=(
            "histbp.nets.BackpropNet",
            "histbp.nets.generalized_delta_rule",
            "histbp.nets.BackpropEnsemble",
            "histbp.nets.mirror_weights",
            "histbp.nets.family_trees_net",
            "histbp.nets.person_features",
            "histbp.data.symmetry",
            "histbp.data.encoder",
            "histbp.data.family_trees",
        ),
    ),
    _entry(
        slug="schmidhuber-chunker",
        year=1991,
        people=("Jürgen Schmidhuber",),
        title="The neural sequence chunker",
        strand=_NETS,
        cite_keys=(
            "schmidhuber1991chunkers",
            "schmidhuber1992",
            "schmidhuber1993habilitation",
            "schmidhuber1993continuous",
            "schmidhuber2021pretraining",
        ),
        summary=(
            "A hierarchy of recurrent networks pre-trained without supervision to "
            "compress sequences, then distilled into one net."
        ),
        implementations=(
            "histbp.nets.chunker_input",
            "histbp.nets.train_chunker",
            "histbp.nets.train_conventional",
            "histbp.nets.surprises",
            "histbp.nets.compress",
            "histbp.nets.time_lag_task",
            "histbp.nets.bptt",
        ),
    ),
    _entry(
        slug="schmidhuber-history-compressor",
        year=1993,
        date="1993",
        people=("Jürgen Schmidhuber",),
        title="Very deep learning by a stack of history compressors",
        strand=_NETS,
        cite_keys=(
            "schmidhuber1993habilitation",
            "schmidhuber1992",
            "schmidhuber2021pretraining",
        ),
        summary=(
            "Recurrent predictors stacked into several levels, each passing up only "
            "what it failed to predict, assign credit across more than 1,000 steps."
        ),
        implementations=(
            "histbp.nets.climb_stack",
            "histbp.nets.train_history_compressor",
            "histbp.nets.train_plain_bptt",
            "histbp.nets.deep_time_lag_task",
            "histbp.nets.one_step_compression",
            "histbp.nets.pass_up",
            "histbp.nets.level_gradient",
        ),
    ),
    _entry(
        slug="hinton-salakhutdinov",
        year=2006,
        people=("Geoffrey E. Hinton", "Ruslan Salakhutdinov"),
        title="Layer-wise pre-training of deep networks",
        strand=_NETS,
        cite_keys=("hinton2006",),
        summary=(
            "Stacks of restricted Boltzmann machines trained one layer at a time, "
            "then fine-tuned by backpropagation."
        ),
        implementations=(
            "histbp.nets.cd1_gradient",
            "histbp.nets.train_rbm_stack",
            "histbp.nets.train_rbm",
            "histbp.nets.classifier_from_stack",
            "histbp.nets.unroll",
            "histbp.nets.fine_tune_autoencoder",
            "histbp.nets.autoencoder_gradients",
        ),
    ),
    _entry(
        slug="ciresan",
        year=2010,
        people=(
            "Dan Ciresan",
            "Ueli Meier",
            "Luca Maria Gambardella",
            "Jürgen Schmidhuber",
        ),
        title="Deep, big, simple nets trained by plain backpropagation",
        strand=_NETS,
        cite_keys=("ciresan2010",),
        summary=(
            "Plain on-line backpropagation with deformed training images set an MNIST "
            "record without pre-training."
        ),
        implementations=(
            "histbp.nets.mlp_gradients",
            "histbp.nets.train_deep_mlp",
            "histbp.nets.deform",
            "histbp.mnist.load_mnist",
        ),
    ),
    _entry(
        slug="griewank",
        year=2012,
        people=("Andreas Griewank",),
        title="Who invented the reverse mode?",
        strand=_REVERSE,
        cite_keys=("griewank2012",),
        summary="A history of the reverse mode and its cheap-gradient principle.",
        implementations=(
            "histbp.autodiff.compile_gradient",
            "histbp.autodiff.LinnainmaaTape",
        ),
    ),
)

_BY_SLUG: Final = {entry.slug: entry for entry in ENTRIES}
_BY_PAGE: Final = {entry.page: entry for entry in ENTRIES}


def get(slug: str) -> Entry:
    """Return the entry with the given slug.

    Parameters
    ----------
    slug
        The entry's slug, e.g. ``"linnainmaa"``.

    Returns
    -------
    Entry
        The entry.

    Raises
    ------
    KeyError
        If no entry has that slug; the message suggests the closest slugs.
    """
    try:
        return _BY_SLUG[slug]
    except KeyError:
        close = difflib.get_close_matches(str(slug), _BY_SLUG, n=3, cutoff=0.4)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(f"no timeline entry has the slug {slug!r}{hint}") from None


def by_page(page: str) -> Entry | None:
    """Return the entry whose page is the Sphinx document ``page``, or ``None``."""
    return _BY_PAGE.get(page)


def neighbours(slug: str) -> tuple[Entry | None, Entry | None]:
    """Return the entries before and after ``slug`` in the timeline."""
    index = ENTRIES.index(get(slug))
    before = ENTRIES[index - 1] if index > 0 else None
    after = ENTRIES[index + 1] if index + 1 < len(ENTRIES) else None
    return before, after
