"""The run folder: atomic writing, provenance (versions, SHA-256 of inputs, time) and deterministic JSON.

The one place that writes files atomically: a run folder is written into a temporary folder next to the
target and renamed at the end (:func:`run_folder`, :func:`write_run`), a single file through a temporary
file in the same folder (:func:`write_bytes_atomic`, used by the command line). Either the complete output
is there or nothing is.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from alliance_stats.core.errors import AllianceStatsError


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dependency_versions() -> dict[str, str]:
    names = ["alliance-stats", "numpy", "scipy", "pandas", "statsmodels", "scikit-learn", "pingouin", "semopy",
             "firthmodels", "matplotlib", "pydantic", "PyYAML", "openpyxl", "pyreadstat", "python-docx", "jinja2"]
    out: dict[str, str] = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


@contextmanager
def run_folder(target: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` when the block succeeds (atomic publication)."""
    target = Path(target)
    refuse_existing(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp creates 0700; a run folder gets the usual permissions
    try:
        yield tmp
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def refuse_existing(target: Path, force: bool) -> None:
    """Raise before any computation when ``target`` exists and ``force`` is not set."""
    if Path(target).exists() and not force:
        raise AllianceStatsError("the run folder already exists", file=str(target),
                                 fix="choose another folder with -o, or pass --force to replace it")


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def write_files(folder: Path, files: dict[str, bytes], *, exclusive: bool = False) -> None:
    """Write ``files`` (relative path -> bytes) under ``folder``; ``exclusive``: never replace a file."""
    for relative, payload in sorted(files.items()):
        path = Path(folder) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb" if exclusive else "wb") as handle:
            handle.write(payload)


def write_run(target: Path, force: bool, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative path -> bytes) as the run folder ``target``, atomically."""
    with run_folder(target, force) as tmp:
        write_files(tmp, files)


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_bytes(obj: Any) -> bytes:
    """Deterministic JSON (sorted keys, full float precision) for results.json and provenance.json."""
    return json.dumps(obj, default=json_default, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")


def json_default(obj: Any) -> Any:
    import numpy as np
    import pandas as pd

    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, np.floating):
        return None if np.isnan(obj) else float(obj)
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, pd.DataFrame):
        return json.loads(obj.to_json(orient="split", double_precision=15))
    if isinstance(obj, pd.Series):
        return json.loads(obj.to_json(orient="split", double_precision=15))
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, datetime):
        return obj.isoformat()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def now_utc() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()

