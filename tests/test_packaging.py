"""The package installs as a wheel and works outside the checkout (issue 12).

The test builds the wheel with pip from a copy of the package, ``pyproject.toml`` and the README (nothing else
can leak in, and the checkout is left untouched), installs it into a fresh virtual environment in a temporary
folder and runs the installed package from another temporary folder, so the checkout cannot be imported: the
packaged confirmatory plan end to end (``alliance-stats run``), ``alliance-stats init``, the simulator, the
default instrument and the README's Python tour. The new environment reaches the already installed
dependencies through a ``.pth`` file naming this interpreter's site-packages (what ``--system-site-packages``
does for a base interpreter), which keeps the test offline apart from the build backend; ``.pth`` files inside
that folder are not processed, so an editable install of the checkout there stays invisible.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# one wheel, built and installed once by the module fixture: the tests stay on one xdist worker
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("packaging")]

#: Package data the wheel must hold (alliance_stats/...).
PACKAGE_DATA = [
    "instrument/data/alliance_startup.yaml",
    "plan/templates/confirmatory.yaml",
    "plan/templates/power.yaml",
    "plan/templates/seed_cases.csv",
    "plan/templates/study_readme.md",
    "plan/templates/data/synthetic_responses.csv",
    "plan/templates/data/synthetic_truth.json",
    "app/templates/base.html",
    "app/templates/check.html",
    "app/static/app.js",
    "app/static/app.css",
]


def _run(command: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path | dict[str, str]]:
    """The wheel, a fresh environment with it installed, a clean environment dict and a work folder."""
    root = tmp_path_factory.mktemp("wheel")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    source = root / "source"  # pip builds in the source tree: build from a copy, leave the checkout untouched
    shutil.copytree(REPO / "alliance_stats", source / "alliance_stats",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", source, "--no-deps", "-q", "-w", root / "dist"], root, env)
    (wheel,) = (root / "dist").glob("alliance_stats-*.whl")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], root, env)
    python = venv / "bin" / "python"
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root,
                        env).strip())
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (purelib / "_alliance_stats_test_dependencies.pth").write_text("\n".join(sorted(dependencies)) + "\n")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel], root,
         env)
    work = root / "work"
    work.mkdir()
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return {"wheel": wheel, "venv": venv, "python": python, "bin": venv / "bin", "work": work, "env": env}


def test_the_wheel_holds_the_package_data_and_nothing_of_the_checkout(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    missing = [name for name in PACKAGE_DATA if f"alliance_stats/{name}" not in names]
    assert not missing, f"not in the wheel: {missing}"
    assert not [name for name in names if name.split("/")[0] in ("tests", "surveys", "analyses", "benchmarks")]


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    out = _run([installed["python"], "-c", "import alliance_stats; print(alliance_stats.__file__)"],
               installed["work"], installed["env"])
    where = Path(out.strip()).resolve()
    assert where.is_relative_to(installed["venv"].resolve()), where
    assert not where.is_relative_to(REPO)


def test_simulator_and_default_instrument_work_from_the_wheel(installed):
    code = ("from alliance_stats.simulate import simulate_alliances\n"
            "from alliance_stats.instrument import default_instrument\n"
            "from alliance_stats.plan.templates import packaged_instrument_path\n"
            "inst = default_instrument()\n"
            "print(len(simulate_alliances(10).responses), len(inst.constructs), packaged_instrument_path())\n")
    out = _run([installed["python"], "-c", code], installed["work"], installed["env"]).split()
    assert out[0] == "20" and int(out[1]) >= 10
    assert Path(out[2]).resolve().is_relative_to(installed["venv"].resolve())


def test_run_on_the_packaged_plan_from_the_wheel(installed):
    plan = _run([installed["python"], "-c",
                 "from alliance_stats.plan.templates import default_plan_path; print(default_plan_path())"],
                installed["work"], installed["env"]).strip()
    assert Path(plan).resolve().is_relative_to(installed["venv"].resolve())
    _run([installed["bin"] / "alliance-stats", "run", plan, "-o", "demo"], installed["work"], installed["env"])
    folder = installed["work"] / "demo"
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["synthetic"] is True and len(results["tables"]) >= 20
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["inputs"]["data"]["file"] == "synthetic_responses.csv"
    assert provenance["inputs"]["instrument"]["file"] == "alliance_startup.yaml"


def test_init_from_the_wheel(installed):
    _run([installed["bin"] / "alliance-stats", "init", "study"], installed["work"], installed["env"])
    study = installed["work"] / "study"
    assert {"plan.yaml", "power.yaml", "alliance_startup.yaml", "README.md"} <= {p.name for p in study.iterdir()}
    assert (study / "data" / "synthetic_responses.csv").is_file()
    code = ("from alliance_stats.plan import load_plan\n"
            "plan = load_plan('study/plan.yaml')\n"
            "print(plan.resolve(plan.instrument).is_file(), plan.resolve(plan.data).is_file())\n")
    assert _run([installed["python"], "-c", code], installed["work"], installed["env"]).split() == ["True", "True"]


def test_readme_python_tour_runs_from_the_wheel(installed):
    blocks = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), flags=re.S)
    script = installed["work"] / "tour.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    out = _run([installed["python"], script], installed["work"], installed["env"])
    assert "supported" in out


def test_the_local_web_page_from_the_wheel(installed):
    """The app's templates and static files ship in the wheel: the pages render from the installed package."""
    code = ("import warnings; warnings.simplefilter('ignore')\n"
            "from starlette.testclient import TestClient\n"
            "from alliance_stats.app import Session, create_app\n"
            "client = TestClient(create_app('ws', Session(port=8765, token='t')), base_url='http://127.0.0.1:8765')\n"
            "print(client.get('/?token=t').status_code, client.get('/survey').status_code,\n"
            "      client.get('/static/app.js').status_code, 'LINK_1' in client.get('/survey').text)\n")
    assert _run([installed["python"], "-c", code], installed["work"], installed["env"]).split() == \
        ["200", "200", "200", "True"]
