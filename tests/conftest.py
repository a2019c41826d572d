"""Session fixtures shared by every test folder: the default instrument, the bundled synthetic responses and
simulated data sets. Nothing is simulated or loaded when a test module is imported (collection stays fast and
``-k`` selects cheaply); each object is built once per test session (per xdist worker), on first use.

The objects are shared: a test that changes a frame works on a ``.copy()``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--dist loadgroup``: append ``@group`` to the node id of every test marked ``xdist_group``, as
    pytest-xdist 3.8 means to. Its own hook sets ``item._nodeid``, which pytest 9.2 no longer reads (the id is
    ``item._id``), so without this the groups were ignored and every shared run was made on both workers. When
    xdist's hook works again the ids already carry the suffix and nothing is done here
    (tests/test_suite_hygiene.py::test_xdist_groups_reach_the_scheduler)."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if names and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")


@pytest.fixture(scope="session")
def instrument() -> Any:
    """The default instrument (``default_instrument()``)."""
    from alliance_stats.instrument import default_instrument

    return default_instrument()


@pytest.fixture(scope="session")
def synthetic_responses(instrument: Any) -> pd.DataFrame:
    """The bundled synthetic responses (300 dyads, 600 respondents), read as a run reads them."""
    from alliance_stats.data import read_responses
    from alliance_stats.plan.templates import template

    return read_responses(template("data/synthetic_responses.csv"), instrument)


@pytest.fixture(scope="session")
def simulated(instrument: Any) -> Callable[[int, int], Any]:
    """``simulated(n_dyads, seed)``: ``simulate_alliances(n_dyads, seed=seed)`` with the default instrument,
    computed once per session for each ``(n_dyads, seed)``."""
    from alliance_stats.simulate import simulate_alliances

    @cache
    def make(n_dyads: int, seed: int) -> Any:
        return simulate_alliances(n_dyads, seed=seed, instrument=instrument)

    return make


# ------------------------------------------------------------------------------------------ shared whole runs
# A whole run takes minutes on the 2-core machine: each run below is made once per test session (per xdist worker)
# and read by several test modules. Every test that reads one carries the run's ``xdist_group`` mark, so that
# ``make test`` (``--dist loadgroup``) sends them all to one worker and the run is made once.


@pytest.fixture(scope="session")
def base_run(tmp_path_factory: pytest.TempPathFactory, simulated: Callable[[int, int], Any], instrument: Any) -> Any:
    """The cheap plan run once in English on 100 simulated dyads with planted personal data, a straight-liner and an
    attention failure (``tests.run_helpers.base_responses``); tests/test_run.py, tests/plan/test_summary_run.py and
    tests/plan/test_rules_runner.py read it (``xdist_group("base_run")``)."""
    from tests.run_helpers import BaseRun, base_responses, cli, plan_text, write_csv

    root = tmp_path_factory.mktemp("base_run")
    responses, careless = base_responses(simulated, instrument)
    write_csv(responses, root / "responses.csv")
    (root / "plan.yaml").write_text(plan_text(), encoding="utf-8")
    code, _ = cli(["run", root / "plan.yaml", "-o", root / "en"])
    assert code == 0, "the base run failed"
    return BaseRun(root=root, folder=root / "en", careless=careless)


@pytest.fixture(scope="session")
def checks_run(tmp_path_factory: pytest.TempPathFactory, simulated: Callable[[int, int], Any]) -> Any:
    """The cheap plan with every reviewer's check (CMV with the marker item ATTN_1, nesting) and the MLR estimator,
    run once on 120 simulated dyads (about 240 respondents, more than the CFA's 214 free parameters);
    tests/plan/test_checks_section.py and tests/test_cli_run.py read it (``xdist_group("checks_run")``)."""
    from tests.run_helpers import cli, plan_text, write_csv

    root = tmp_path_factory.mktemp("checks_run")
    write_csv(simulated(120, 4).responses, root / "responses.csv")
    plan = plan_text(**{"estimator: ML ": "estimator: MLR ",
                        "  cmv: false\n  nesting: false": "  cmv: true\n  nesting: true",
                        "invariance_by: LANG ": "marker_item: ATTN_1\n  invariance_by: LANG "})
    (root / "plan.yaml").write_text(plan, encoding="utf-8")
    code, _ = cli(["run", root / "plan.yaml", "-o", root / "run"])
    assert code == 0, "the checks run failed"
    return root / "run"


@pytest.fixture(scope="session")
def packaged_study_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``alliance-stats init`` then ``alliance-stats run`` of the study's plan (the packaged confirmatory plan on
    the bundled synthetic data, every setting as shipped): the run folder, whose parent's parent is the study.
    tests/plan/test_init.py, tests/measurement/test_demo_results_pinned.py and
    tests/plan/test_demo_checks_pinned.py read it (``xdist_group("packaged_run")``)."""
    from tests.run_helpers import cli

    study = tmp_path_factory.mktemp("packaged") / "study"
    assert cli(["init", study])[0] == 0
    code, _ = cli(["run", study / "plan.yaml", "-o", study / "reports" / "first"])
    assert code == 0, "the run of the packaged plan failed"
    return study / "reports" / "first"
