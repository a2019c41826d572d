"""A new study folder (``alliance-stats init DIR``): the packaged plans, instrument and synthetic example.

The folder gets the confirmatory plan as ``plan.yaml``, the power plan, the default instrument, the paper's
four cases, the synthetic responses under ``data/`` and a README of next steps. The plans' paths are rewritten
to point at the copies in the folder (the YAML is otherwise copied as it is, comments included), so
``alliance-stats run DIR/plan.yaml`` works at once. A user's file is never overwritten: a folder that exists
and is not empty is refused, a new folder is published atomically.
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.plan.runfolder import write_files, write_run
from alliance_stats.plan.templates import STUDY_FILES, packaged_instrument_path, template

INSTRUMENT_FILE = "alliance_startup.yaml"

#: Top-level keys of the packaged plans rewritten for the study folder: (study file, key) -> new value.
_PATHS = {
    ("plan.yaml", "instrument"): INSTRUMENT_FILE,
    ("plan.yaml", "seed_cases"): "seed_cases.csv",
    ("plan.yaml", "data"): "data/synthetic_responses.csv",
    ("power.yaml", "confirmatory"): "plan.yaml",
}


def set_top_level_value(text: str, key: str, value: str) -> str:
    """``text`` (YAML) with the value of the top-level ``key`` replaced, its comment kept.

    >>> set_top_level_value("a: 1   # one\\nb: 2\\n", "a", "x.yaml")
    'a: x.yaml   # one\\nb: 2\\n'
    """
    pattern = re.compile(rf"^({re.escape(key)}:[ \t]*)[^\s#]+", flags=re.M)
    new, count = pattern.subn(lambda match: match.group(1) + value, text)
    if count != 1:
        raise RuntimeError(f"the packaged plan has {count} top-level '{key}:' entries, expected one")
    return new


def study_files(folder: Path) -> dict[str, bytes]:
    """The files of a new study folder (relative path -> bytes); ``folder`` as the user typed it (README)."""
    from alliance_stats import __version__

    out: dict[str, bytes] = {}
    for packaged, name in STUDY_FILES.items():
        payload = template(packaged).read_bytes()
        rewrites = [(key, value) for (file, key), value in _PATHS.items() if file == name]
        if rewrites:
            text = payload.decode("utf-8")
            for key, value in rewrites:
                text = set_top_level_value(text, key, value)
            payload = text.encode("utf-8")
        out[name] = payload
    out[INSTRUMENT_FILE] = packaged_instrument_path().read_bytes()
    readme = Template(template("study_readme.md").read_text(encoding="utf-8"))
    out["README.md"] = readme.substitute(name=folder.name or str(folder), folder=folder.as_posix(),
                                         version=__version__).encode("utf-8")
    return out


def init_study(folder: str | Path) -> dict[str, bytes]:
    """Create the study folder ``folder``; refuse a folder that exists and is not empty.

    Parameters
    ----------
    folder
        The new folder (it may exist if it is empty).

    Returns
    -------
    dict
        The files written (relative path -> bytes).

    Raises
    ------
    AllianceStatsError
        ``folder`` is a file, or a folder that is not empty.
    """
    folder = Path(folder)
    files = study_files(folder)
    if folder.exists() and not folder.is_dir():
        raise AllianceStatsError("this is a file, not a folder", file=str(folder),
                                 fix="give the path of a new folder for the study")
    if folder.is_dir():
        if any(folder.iterdir()):
            raise AllianceStatsError("the folder is not empty: a study folder is created in a new or empty folder",
                                     file=str(folder), fix="choose a new folder; nothing was written")
        write_files(folder, files, exclusive=True)  # an empty folder: create each file, never replace one
    else:
        write_run(folder, False, files)
    return files
