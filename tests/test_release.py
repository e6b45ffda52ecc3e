"""The release workflow runs nothing that CI does not run, and publishes safely.

It cannot run here (it needs GitHub and PyPI), so its commands are held to those of
``.ci/run``: each ``run:`` step of ``.github/workflows/release.yml`` is a nox session
that CI runs too, and the publish step uses PyPI's trusted publishing, not a token.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import yaml

import histbp

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
NOX_CALL = re.compile(r"noxfile\.py\s+(?:-\S+\s+)*-s\s+(\w+)")


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _ci_sessions() -> set[str]:
    return set(NOX_CALL.findall((ROOT / ".ci" / "run").read_text(encoding="utf-8")))


def test_the_release_runs_on_version_tags_only():
    workflow = _workflow()
    # PyYAML reads the key "on" as True.
    trigger = workflow.get("on", workflow.get(True))
    assert set(trigger) == {"push"}
    assert trigger["push"] == {"tags": ["v*"]}


def test_every_command_of_the_release_is_a_session_that_ci_runs():
    commands = [step["run"] for step in _steps(_workflow()) if "run" in step]
    assert commands, "the release workflow runs no command"
    ci = _ci_sessions()
    assert {"tests", "build"} <= ci
    for command in commands:
        words = shlex.split(command)
        assert words[:2] == ["python", "noxfile.py"], command
        sessions = NOX_CALL.findall(command)
        assert len(sessions) == 1, command
        assert sessions[0] in ci, f"CI never runs the session of {command!r}"


def test_the_release_builds_with_the_tag_checked():
    commands = [step["run"] for step in _steps(_workflow()) if "run" in step]
    builds = [c for c in commands if NOX_CALL.findall(c) == ["build"]]
    assert len(builds) == 1
    assert '--tag "$GITHUB_REF_NAME"' in builds[0]


def test_publishing_uses_trusted_publishing():
    jobs = _workflow()["jobs"]
    publish = [
        (name, step)
        for name, job in jobs.items()
        for step in job["steps"]
        if step.get("uses", "").startswith("pypa/gh-action-pypi-publish@")
    ]
    assert len(publish) == 1
    name, step = publish[0]
    assert jobs[name]["permissions"].get("id-token") == "write"
    assert jobs[name]["environment"]["name"] == "pypi"
    # No stored secret: trusted publishing needs neither a password nor a token.
    assert not {"password", "user"} & set(step.get("with", {}))
    assert "secrets." not in WORKFLOW.read_text(encoding="utf-8")
    # It publishes what the build job checked, nothing built afresh.
    assert jobs[name]["needs"] == "build"


def test_the_check_script_refuses_a_tag_that_names_another_version(tmp_path):

    spec = importlib.util.spec_from_file_location(
        "check_dist", ROOT / ".ci" / "check_dist.py"
    )
    check_dist = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_dist)
    assert check_dist.source_version() == histbp.__version__
    assert check_dist.tag_fault(f"v{histbp.__version__}", histbp.__version__) is None
    fault = check_dist.tag_fault("v0.0.0-not-this", histbp.__version__)
    assert fault is not None and "v0.0.0-not-this" in fault
    # An empty folder has no wheel and no sdist to publish.
    assert check_dist.main([str(tmp_path)]) == 1
