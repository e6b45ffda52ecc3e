"""The error raised when a model is used before it has been fitted."""

from __future__ import annotations

__all__ = ["NotFittedError"]


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` (or another fitted-only method) runs before ``fit``.

    It subclasses both :class:`ValueError` and :class:`AttributeError`, as
    scikit-learn's error of the same name does, so either ``except`` clause
    catches it.
    """
