"""The benchmark runner finds the workloads, and a cheap one runs in quick mode.

Performance is never asserted here (see benchmarks/README.md); this only checks that
the machinery runs. The fan workload needs nothing but histbp and numpy.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
MINE = (
    "scalar_chain",
    "fan",
    "micrograd_mlp",
    "array_mlp",
    "jacobian_modes",
    "speelpenning",
    "gp_likelihood",
)


@pytest.fixture(scope="module")
def run():
    spec = importlib.util.spec_from_file_location("_histbp_bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    saved = list(sys.path)
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path[:] = saved


def test_discovery_finds_every_workload(run):
    found = run.discover()
    assert set(MINE) <= set(found)
    for name in MINE:
        assert run.has_main_argv(found[name]), name


def test_fan_runs_in_quick_mode(run):
    result = run.run_workload(run.discover()["fan"], quick=True)
    assert result["name"] == "fan"
    assert result["quick"] is True
    assert result["rounds"] == 3
    gradient = result["targets"][0]
    assert gradient["target"] == "gradient exactly 1"
    assert gradient["met"] is True
    assert result["tables"] and result["verdict"]
    assert result["control"]["median_ms"] > 0
    text = run.P.render_result(result)
    assert text.startswith("## 2. ")


def test_select_accepts_prefixes_and_commas(run):
    found = run.discover()
    chosen = run.select(["bench_fan.py,speelpenning"], found)
    assert list(chosen) == ["fan", "speelpenning"]
    with pytest.raises(SystemExit):
        run.select(["no_such_workload"], found)


def test_docs_section_renders_committed_results(run, tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"# P\n\n{run.START_MARK}\nold\n{run.END_MARK}\n\nend\n", "utf-8")
    result = run.run_workload(run.discover()["fan"], quick=True)
    assert run.update_docs({"fan": result}, page)
    text = page.read_text("utf-8")
    assert "old" not in text
    assert "### 2. " in text and text.endswith(f"{run.END_MARK}\n\nend\n")


def test_gp_likelihood_runs_in_quick_mode_with_a_correct_gradient(run):
    result = run.run_workload(run.discover()["gp_likelihood"], quick=True)
    assert result["workload"] == 8
    agreement = result["measurements"]["agreement"]
    assert agreement["histbp value_and_grad"]["grad_error_vs_fd"] < 1e-6
    assert result["verdict"].startswith("Quick run")
