"""The examples in the docstrings of the 1965-1986 network modules run as shown."""

import doctest
import importlib

import pytest

MODULES = [
    "_backprop",
    "_gmdh",
    "_layers",
    "_ordered",
    "_rumelhart",
    "_rumelhart_net",
    "_sgd_classifier",
    "_units",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"histbp.nets.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
