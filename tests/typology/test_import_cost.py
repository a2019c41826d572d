"""Importing the typology's definitions stays cheap: no scikit-learn, scipy or matplotlib (checked in a fresh
interpreter; the cost in seconds is measured by ``python -X importtime``, not asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_definition_does_not_import_heavy_libraries() -> None:
    code = ("import json, sys; import alliance_stats.typology.definition; "
            "print(json.dumps(sorted(m for m in ('sklearn', 'scipy', 'matplotlib') if m in sys.modules)))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_typology_package_and_cluster_subpackage_are_lazy() -> None:
    code = ("import json, sys; import alliance_stats.typology, alliance_stats.typology.cluster; "
            "from alliance_stats.typology import CONFIGURATIONS, ClusterSettings; "
            "print(json.dumps(sorted(m for m in ('sklearn', 'matplotlib') if m in sys.modules)))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
