"""The plans and the synthetic example data shipped inside the package (read with :mod:`importlib.resources`).

``confirmatory.yaml`` and ``power.yaml`` are byte-for-byte the repository's ``analyses/confirmatory.yaml`` and
``analyses/power.yaml``; ``data/`` holds the bundled synthetic responses and their truth, ``seed_cases.csv``
the paper's four cases (``surveys/seed_cases.csv``). The top-level ``analyses/`` and ``surveys/`` folders stay
the copies a user edits; a test asserts the packaged copies are identical to them.

The packaged plans keep the repository's relative paths (``../surveys/alliance_startup.yaml``), which point
outside the package once it is installed from a wheel. :func:`packaged_file` maps each of them to the file
it stands for inside the package, and :meth:`alliance_stats.plan.schema.Plan.resolve` uses it whenever the
plan is the packaged one, so ``alliance-stats run`` on the packaged plan works from a wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: The packaged files ``alliance-stats init`` copies into a study folder: package file -> study file.
STUDY_FILES: dict[str, str] = {
    "confirmatory.yaml": "plan.yaml",
    "power.yaml": "power.yaml",
    "seed_cases.csv": "seed_cases.csv",
    "data/synthetic_responses.csv": "data/synthetic_responses.csv",
    "data/synthetic_truth.json": "data/synthetic_truth.json",
}

#: Paths written in the packaged plans that lead outside this folder -> the file they stand for.
_OUTSIDE = {
    "../surveys/seed_cases.csv": "seed_cases.csv",
}
_INSTRUMENT = "../surveys/alliance_startup.yaml"


def templates_dir() -> Path:
    """The folder of the packaged plans (a real folder: the package is installed unzipped)."""
    return Path(str(files(__name__)))


def template(name: str) -> Path:
    """The packaged file ``name`` (``"confirmatory.yaml"``, ``"data/synthetic_responses.csv"``, ...)."""
    return templates_dir().joinpath(*name.split("/"))


def default_plan_path() -> Path:
    """The packaged confirmatory plan (the bundled synthetic data, the default instrument)."""
    return template("confirmatory.yaml")


def packaged_instrument_path() -> Path:
    """The default instrument shipped with the package (``alliance_stats/instrument/data/``)."""
    from alliance_stats.instrument.loader import DEFAULT_INSTRUMENT_PATH

    return Path(DEFAULT_INSTRUMENT_PATH)


def is_packaged(plan_file: Path | None) -> bool:
    """True when ``plan_file`` is one of the packaged plans."""
    return plan_file is not None and Path(plan_file).resolve().parent == templates_dir().resolve()


def packaged_file(relative: str) -> Path | None:
    """The package file a path written in a packaged plan stands for, or ``None`` when it is not one of the
    paths leading outside the package (those resolve against the templates folder as usual)."""
    if relative == _INSTRUMENT:
        return packaged_instrument_path()
    if relative in _OUTSIDE:
        return template(_OUTSIDE[relative])
    return None
