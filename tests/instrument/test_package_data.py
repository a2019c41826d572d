"""The default instrument and the paper's four cases ship inside the package, identical to surveys/."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from alliance_stats.instrument import DEFAULT_INSTRUMENT_PATH, SEED_CASES_PATH, default_instrument, load_instrument

REPO = Path(__file__).resolve().parents[2]
PACKAGED = resources.files("alliance_stats.instrument") / "data"


@pytest.mark.parametrize("name", ["alliance_startup.yaml", "seed_cases.csv", "seed_cases.md"])
def test_packaged_file_is_identical_to_the_user_copy_in_surveys(name: str) -> None:
    packaged = (PACKAGED / name).read_bytes()
    assert packaged == (REPO / "surveys" / name).read_bytes(), (
        f"alliance_stats/instrument/data/{name} and surveys/{name} differ: copy the edited one over the other"
    )


def test_default_paths_are_inside_the_package() -> None:
    package_dir = Path(str(resources.files("alliance_stats")))
    for path in (DEFAULT_INSTRUMENT_PATH, SEED_CASES_PATH):
        assert path.is_file() and package_dir in path.resolve().parents


def test_default_instrument_is_the_packaged_file() -> None:
    inst = default_instrument()
    assert inst == load_instrument(REPO / "surveys" / "alliance_startup.yaml").model_copy(
        update={"source": inst.source})
    assert inst.source == str(DEFAULT_INSTRUMENT_PATH)
