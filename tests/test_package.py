"""``import histbp`` treats every public module alike: each is loaded on first use."""

import importlib
import subprocess
import sys

import pytest

import histbp

PUBLIC_MODULES = (
    "autodiff",
    "control",
    "data",
    "mnist",
    "nets",
    "optimize",
    "reproduction",
    "testing",
    "timeline",
)


def test_import_histbp_loads_none_of_its_modules():
    code = (
        "import sys, histbp; "
        "print(sorted(m for m in sys.modules if m.startswith('histbp')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['histbp']"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_each_public_module_is_an_attribute_of_histbp(name):
    module = getattr(histbp, name)
    assert module is importlib.import_module(f"histbp.{name}")
    assert name in histbp.__all__ and name in dir(histbp)


@pytest.mark.parametrize("name", ["grad", "jacobian", "jvp", "value_and_grad", "vjp"])
def test_the_autodiff_shortcuts_are_the_autodiff_functions(name):
    assert getattr(histbp, name) is getattr(histbp.autodiff, name)


def test_all_names_exactly_the_public_modules_and_shortcuts():
    shortcuts = {"grad", "jacobian", "jvp", "value_and_grad", "vjp"}
    assert set(histbp.__all__) == set(PUBLIC_MODULES) | shortcuts


def test_an_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="module 'histbp' has no attribute 'nope'"):
        histbp.nope  # noqa: B018
