"""The registry's checks: well-formed, on real entries, read as the site reads them."""

from __future__ import annotations

import pytest

from histbp import reproduction, timeline
from histbp.reproduction import CHECKS, VERDICTS, Check


def test_every_checked_slug_is_an_entry():
    slugs = {entry.slug for entry in timeline.ENTRIES}
    assert set(CHECKS) <= slugs, set(CHECKS) - slugs


def test_an_entry_reports_its_checks():
    for entry in timeline.ENTRIES:
        assert entry.checks == CHECKS.get(entry.slug, ())
    assert timeline.get("linnainmaa").checks[0].verdict in VERDICTS


def test_the_checks_cover_every_verdict_and_name_their_figures():
    checks = [check for group in CHECKS.values() for check in group]
    assert {check.verdict for check in checks} == set(VERDICTS)
    for check in checks:
        assert check.claim and check.source and check.tolerance
        # A figure is read from the page's output, or stated with where it is from.
        assert bool(check.output) != bool(check.ours), check.claim


def test_ours_is_read_from_the_printed_output():
    check = Check("a limit", "16a/9", "1e-12", "reproduced", r"^a = 1: rule (\S+)")
    printed = "a = 0.5: rule 0.8889\na = 1: rule 1.777777777778\n"
    assert check.ours_in(printed) == "1.777777777778"
    assert check.ours_in("nothing of the kind") is None
    stated = Check("MNIST", "1.2%", "not re-run", "reported only", ours="not run")
    assert stated.ours_in("anything") == "not run"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"verdict": "roughly"}, "verdict 'roughly'"),
        ({"output": r"no group"}, "needs one group"),
        ({"output": r"(two) (groups)"}, "needs one group"),
        ({"output": ""}, "needs an output pattern or ours"),
    ],
)
def test_a_malformed_check_is_refused_naming_the_fault(kwargs, message):
    fields = {
        "claim": "c",
        "source": "s",
        "tolerance": "t",
        "verdict": "confirmed",
        "output": r"x = (\S+)",
    }
    with pytest.raises(ValueError, match=message):
        Check(**{**fields, **kwargs})


def test_the_module_documents_every_verdict():
    for verdict in VERDICTS:
        assert f"``{verdict}``" in reproduction.__doc__
