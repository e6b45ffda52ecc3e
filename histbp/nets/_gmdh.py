"""The group method of data handling (GMDH) of Ivakhnenko (1968, 1971).

The source document dates GMDH networks to Ivakhnenko and Lapa, "since 1965",
citing their 1965 book; other accounts date the method from Ivakhnenko's 1968
article in Avtomatika (Soviet Automatic Control).

A network of quadratic units is grown one layer at a time. Every pair of the
current inputs gets a unit ``y = a0 + a1 u + a2 v + a3 u^2 + a4 v^2 + a5 u v``,
fitted by least squares on a training part of the data; the units are ranked by
their mean squared error on a separate validation part (the regularity
criterion), and the best ``keep`` of them become the inputs of the next layer.
Growth stops when the best validation error of a new layer is no better than that
of the layer before, and the best unit of the last accepted layer is the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from histbp._validation import (
    as_data_matrix,
    as_targets,
    check_positive_int,
    check_random_state,
    check_real,
)

__all__ = ["GMDH", "GMDHUnit", "NotFittedError", "fit_gmdh_layer"]

#: Least squares needs at least as many training samples as a unit has coefficients.
_N_COEFFICIENTS = 6


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` (or another fitted-only method) runs before ``fit``.

    It subclasses both :class:`ValueError` and :class:`AttributeError`, as
    scikit-learn's error of the same name does, so either ``except`` clause
    catches it.
    """


@dataclass(frozen=True, slots=True)
class GMDHUnit:
    """One fitted unit of a GMDH layer.

    Attributes
    ----------
    inputs
        ``(i, j)``, the indices of the two inputs it combines: columns of ``X``
        in the first layer, units of the previous layer after that.
    coefficients
        ``(a0, a1, a2, a3, a4, a5)`` of
        ``a0 + a1 u + a2 v + a3 u^2 + a4 v^2 + a5 u v``, ``u`` and ``v`` being the
        inputs ``i`` and ``j``.
    validation_error
        Mean squared error on the validation part of the data.
    """

    inputs: tuple[int, int]
    coefficients: np.ndarray
    validation_error: float

    def __call__(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The unit's output for input values ``u`` and ``v``."""
        return _features(u, v) @ self.coefficients


def _features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The six regressors ``1, u, v, u^2, v^2, u v``, one row per sample."""
    return np.column_stack([np.ones_like(u), u, v, u * u, v * v, u * v])


class GMDH:
    """A GMDH network of quadratic units with a scikit-learn-like interface.

    Parameters
    ----------
    keep
        ``F``, the number of units kept in each layer (the best by validation
        error), positive. With ``keep=1`` a second layer cannot be formed and the
        network has one layer.
    max_layers
        Largest number of layers to grow, positive.
    validation_fraction
        Share of the samples, in ``(0, 1)``, held out as the validation part that
        ranks the units; the rest fit them.
    random_state
        ``None``, a non-negative integer or a :class:`numpy.random.Generator`,
        used to split the samples at random.

    Attributes
    ----------
    layers_ : tuple of tuple of GMDHUnit
        The accepted layers, each listing its kept units best first; the model's
        output is ``layers_[-1][0]``.
    validation_errors_ : numpy.ndarray
        The best validation error of every layer that was built, in order. When
        growth stopped because a layer did not improve, that rejected layer's
        error is the last entry, and there is one entry more than there are
        layers.
    n_features_in_ : int
        Number of columns of the ``X`` seen by :meth:`fit`.
    train_indices_, validation_indices_ : numpy.ndarray
        The rows of ``X`` used to fit and to rank the units.

    Notes
    -----
    Calling :meth:`predict` or :meth:`score` before :meth:`fit` raises
    :class:`~histbp.nets.NotFittedError`, a subclass of both ``ValueError`` and
    ``AttributeError``. Parameters are checked when :meth:`fit` runs, as in
    scikit-learn.

    References
    ----------
    Ivakhnenko and Lapa (1965) [ivakhnenko1965]; Ivakhnenko (1968)
    [ivakhnenko1968]; Ivakhnenko (1971) [ivakhnenko1971].

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(1000, 4))
    >>> y = X[:, 0] * X[:, 1] + X[:, 2] ** 2
    >>> model = GMDH(keep=6, max_layers=3, random_state=0).fit(X, y)
    >>> len(model.layers_), model.layers_[0][0].inputs
    (3, (0, 1))
    >>> bool(model.score(X, y) > 0.99)
    True
    """

    def __init__(
        self,
        keep: int = 8,
        max_layers: int = 5,
        validation_fraction: float = 0.5,
        random_state: Any = None,
    ) -> None:
        self.keep = keep
        self.max_layers = max_layers
        self.validation_fraction = validation_fraction
        self.random_state = random_state

    _PARAMS = ("keep", "max_layers", "validation_fraction", "random_state")

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters, by name."""
        return {name: getattr(self, name) for name in self._PARAMS}

    def set_params(self, **params: Any) -> GMDH:
        """Set constructor parameters by name; return the model."""
        for name, value in params.items():
            if name not in self._PARAMS:
                raise ValueError(
                    f"unknown parameter {name!r} for GMDH; "
                    f"valid ones are {list(self._PARAMS)}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"GMDH({args})"

    def fit(self, X: Any, y: Any) -> GMDH:
        """Grow the network on the samples ``X`` with targets ``y``.

        Parameters
        ----------
        X
            Inputs, shape ``(n_samples, n_features)`` with ``n_features >= 2``.
        y
            Targets, shape ``(n_samples,)``.

        Returns
        -------
        GMDH
            The fitted model itself.

        Raises
        ------
        ValueError
            If ``X`` is not 2-D with at least two columns, ``X`` and ``y`` differ
            in length, either holds NaN or infinity, a parameter is out of range,
            or the split leaves fewer than 6 training samples or no validation
            sample.
        TypeError
            If a parameter has the wrong type.
        """
        keep = check_positive_int(self.keep, "keep")
        max_layers = check_positive_int(self.max_layers, "max_layers")
        fraction = check_real(
            self.validation_fraction,
            "validation_fraction",
            low=0.0,
            high=1.0,
            low_open=True,
            high_open=True,
        )
        rng = check_random_state(self.random_state, "random_state")
        X = as_data_matrix(X, "X", min_columns=2)
        y = as_targets(y, "y", X.shape[0])

        n = X.shape[0]
        n_val = round(fraction * n)
        n_train = n - n_val
        if n_val < 1 or n_train < _N_COEFFICIENTS:
            raise ValueError(
                f"too few samples: validation_fraction={fraction} splits {n} "
                f"samples into {n_train} for training and {n_val} for validation; "
                f"a unit needs at least {_N_COEFFICIENTS} training samples and the "
                "ranking at least 1 validation sample"
            )
        order = rng.permutation(n)
        train, val = np.sort(order[:n_train]), np.sort(order[n_train:])

        inputs_train, inputs_val = X[train], X[val]
        layers: list[tuple[GMDHUnit, ...]] = []
        errors: list[float] = []
        while len(layers) < max_layers and inputs_train.shape[1] >= 2:
            kept = fit_gmdh_layer(inputs_train, y[train], inputs_val, y[val], keep)
            errors.append(kept[0].validation_error)
            if layers and kept[0].validation_error >= layers[-1][0].validation_error:
                break
            layers.append(kept)
            inputs_train = _layer_outputs(kept, inputs_train)
            inputs_val = _layer_outputs(kept, inputs_val)

        self.layers_ = tuple(layers)
        self.validation_errors_ = np.array(errors)
        self.n_features_in_ = X.shape[1]
        self.train_indices_ = train
        self.validation_indices_ = val
        return self

    def predict(self, X: Any) -> np.ndarray:
        """The model's output for the samples ``X``, shape ``(n_samples,)``.

        Raises
        ------
        NotFittedError
            If the model has not been fitted.
        ValueError
            If ``X`` is not 2-D, has a different number of columns than at
            :meth:`fit`, or holds NaN or infinity.
        """
        self._check_fitted("predict")
        X = as_data_matrix(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} columns but the model was fitted on "
                f"{self.n_features_in_}"
            )
        outputs = X
        for layer in self.layers_:
            outputs = _layer_outputs(layer, outputs)
        return outputs[:, 0]

    def score(self, X: Any, y: Any) -> float:
        """Coefficient of determination ``R^2`` of the predictions for ``X``."""
        prediction = self.predict(X)
        y = as_targets(y, "y", prediction.shape[0])
        residual = float(np.sum((y - prediction) ** 2))
        total = float(np.sum((y - y.mean()) ** 2))
        return 1.0 - residual / total if total > 0 else float(residual == 0.0)

    def active_units(self) -> tuple[tuple[int, ...], ...]:
        """For each layer, the indices of the units the model's output depends on.

        The last layer contributes only its best unit, ``(0,)``; every earlier
        layer the units feeding those of the layer above.

        Raises
        ------
        NotFittedError
            If the model has not been fitted.
        """
        self._check_fitted("active_units")
        needed = [(0,)]
        for depth in range(len(self.layers_) - 1, 0, -1):
            layer = self.layers_[depth]
            below = sorted({i for k in needed[0] for i in layer[k].inputs})
            needed.insert(0, tuple(below))
        return tuple(needed)

    def _check_fitted(self, method: str) -> None:
        if not hasattr(self, "layers_"):
            raise NotFittedError(
                f"this GMDH model is not fitted yet; call fit(X, y) before {method}"
            )


def fit_gmdh_layer(
    x_train: Any, y_train: Any, x_val: Any, y_val: Any, keep: int
) -> tuple[GMDHUnit, ...]:
    """One GMDH layer: fit a quadratic unit to every pair of inputs, keep the best.

    For every pair ``(i, j)`` of input columns the six coefficients of
    ``a0 + a1 u + a2 v + a3 u^2 + a4 v^2 + a5 u v`` (``u``, ``v`` the columns ``i``
    and ``j``) are fitted by least squares on the training part; the units are
    ranked by their mean squared error on the validation part (the regularity
    criterion), and the ``keep`` best are returned, best first.

    Parameters
    ----------
    x_train, y_train
        Inputs of the layer and targets on the training part, shapes
        ``(n_train, n_inputs)`` and ``(n_train,)``; ``n_inputs >= 2``.
    x_val, y_val
        The same on the validation part.
    keep
        How many units to keep, positive.

    Returns
    -------
    tuple of GMDHUnit
        The kept units, by increasing validation error (ties keep pair order).

    Raises
    ------
    ValueError
        If the arrays do not fit together, hold NaN or infinity, or ``keep`` is
        not positive.

    References
    ----------
    Ivakhnenko (1971) [ivakhnenko1971].

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).uniform(-1, 1, (40, 3))
    >>> y = x[:, 0] * x[:, 2]
    >>> best = fit_gmdh_layer(x[:20], y[:20], x[20:], y[20:], keep=2)[0]
    >>> best.inputs, bool(best.validation_error < 1e-20)
    ((0, 2), True)
    """
    x_train, y_train, x_val, y_val = _check_layer_data(x_train, y_train, x_val, y_val)
    keep = check_positive_int(keep, "keep")
    units = []
    for i, j in combinations(range(x_train.shape[1]), 2):
        design = _features(x_train[:, i], x_train[:, j])
        coefficients = np.linalg.lstsq(design, y_train, rcond=None)[0]
        residual = _features(x_val[:, i], x_val[:, j]) @ coefficients - y_val
        units.append(GMDHUnit((i, j), coefficients, float(np.mean(residual**2))))
    units.sort(key=lambda unit: unit.validation_error)  # stable: ties keep pair order
    return tuple(units[:keep])


def _check_layer_data(
    x_train: Any, y_train: Any, x_val: Any, y_val: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Check a layer's training and validation parts; return them as arrays."""
    x_train = as_data_matrix(x_train, "x_train", min_columns=2)
    y_train = as_targets(y_train, "y_train", x_train.shape[0])
    x_val = as_data_matrix(x_val, "x_val", min_columns=x_train.shape[1])
    y_val = as_targets(y_val, "y_val", x_val.shape[0])
    if x_val.shape[1] != x_train.shape[1]:
        raise ValueError(
            f"x_val has {x_val.shape[1]} columns but x_train has {x_train.shape[1]}"
        )
    return x_train, y_train, x_val, y_val


def _layer_outputs(layer: tuple[GMDHUnit, ...], inputs: np.ndarray) -> np.ndarray:
    """The outputs of a layer's units, one column per unit."""
    columns = [
        unit(inputs[:, unit.inputs[0]], inputs[:, unit.inputs[1]]) for unit in layer
    ]
    return np.column_stack(columns)
