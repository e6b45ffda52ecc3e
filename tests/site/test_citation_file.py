"""CITATION.cff describes this project, at the version of the package.

Read with a few regular expressions, so that the plain test session needs no YAML
parser; the site reads the same file with PyYAML for its How to cite page.
"""

from __future__ import annotations

import re

from sitekit import ROOT

import histbp

CFF = (ROOT / "CITATION.cff").read_text(encoding="utf-8")


def _field(name: str) -> str:
    found = re.search(rf'^{name}:\s*"?([^"\n]+?)"?\s*$', CFF, re.M)
    assert found, f"CITATION.cff has no top-level {name}"
    return found.group(1)


def test_the_citation_file_names_this_version_of_histbp():
    assert _field("version") == histbp.__version__
    assert _field("cff-version").startswith("1.2")


def test_the_citation_file_names_the_project():
    assert _field("title") == "histbp: an executable history of backpropagation"
    assert _field("license") == "MIT"
    assert re.search(r'^authors:\n\s+- name: "The histbp developers"$', CFF, re.M)
