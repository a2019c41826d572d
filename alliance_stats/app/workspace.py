"""The workspace of the local web page: a study folder, the uploads, the plans and the run folders.

Layout of ``--workspace DIR`` (created on first start)::

    study/     alliance-stats init: plan.yaml, power.yaml, the instrument, seed cases, synthetic data
    uploads/   responses files under server-chosen names (data-<random>.<ext>), each with a .json record
               (the client's file name as display text, size, SHA-256, the data check's findings)
    plans/     plans made by the forms or uploaded (plan-<random>.yaml), each with a .json record
    runs/      one run folder per analysis (YYYYMMDD-HHMMSS-<random>), written atomically by the runners

Uploaded files are never modified. Paths that come from a request (an upload id, a run id, a file inside a run
folder) are matched against fixed patterns and resolved with containment checks (:meth:`Workspace.run_file`):
no ``..``, no absolute path, no symbolic link leading out of the run folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.core.i18n import tr
from alliance_stats.plan.runfolder import json_bytes, now_utc, write_bytes_atomic

UPLOAD_ID = re.compile(r"^data-[0-9a-f]{16}$")
PLAN_ID = re.compile(r"^(plan|power)-[0-9a-f]{16}$")
RUN_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$")

#: Findings shown in a page per severity (the JSON record keeps them all).
SHOWN_FINDINGS = 500


def new_run_id() -> str:
    """A run folder name: local date and time, then 4 random hex digits (``20261205-101500-3fa2``).

    Examples
    --------
    >>> bool(RUN_ID.match(new_run_id()))
    True
    """
    return f"{datetime.now():%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Workspace:
    """The folders of one workspace and the safe ways in and out of them (module docstring).

    Parameters
    ----------
    root
        The workspace folder (created with its sub-folders by :meth:`prepare`).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     ws = Workspace(Path(folder))
    ...     ws.run_file("20261205-101500-3fa2", "../../etc/passwd") is None
    True
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.study = self.root / "study"
        self.uploads = self.root / "uploads"
        self.plans = self.root / "plans"
        self.runs = self.root / "runs"

    # ------------------------------------------------------------------------------------------ set-up

    def prepare(self) -> None:
        """Create the folders; the study folder from ``alliance-stats init`` on first start; remove what an
        interrupted run left (the runners' temporary folders ``runs/.<name>.*.tmp``)."""
        from alliance_stats.plan.study import init_study

        self.root.mkdir(parents=True, exist_ok=True)
        if not (self.study / "plan.yaml").is_file():
            init_study(self.study)
        for folder in (self.uploads, self.plans, self.runs):
            folder.mkdir(exist_ok=True)
        for leftover in self.runs.glob(".*.tmp"):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
        for leftover in self.uploads.glob(".*.part"):
            leftover.unlink(missing_ok=True)

    def instrument(self) -> Any:
        """The study's instrument (``study/alliance_startup.yaml``, which the user may edit)."""
        from alliance_stats.instrument import load_instrument
        from alliance_stats.plan.study import INSTRUMENT_FILE

        return load_instrument(self.study / INSTRUMENT_FILE)

    def contains(self, path: Path) -> bool:
        """True when ``path``, symbolic links resolved, is inside the workspace."""
        return Path(path).resolve().is_relative_to(self.root)

    # ----------------------------------------------------------------------------------------- records

    @staticmethod
    def _read_json(path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def write_record(self, path: Path, record: dict[str, Any]) -> None:
        """Write a record (JSON) next to the file it describes, atomically."""
        write_bytes_atomic(path, json_bytes(record))

    # ----------------------------------------------------------------------------------------- uploads

    def upload(self, upload_id: str) -> dict[str, Any] | None:
        """The record of an upload, or ``None`` for an unknown or malformed id."""
        if not isinstance(upload_id, str) or not UPLOAD_ID.fullmatch(upload_id):
            return None
        record = self._read_json(self.uploads / f"{upload_id}.json")
        if record is None or not (self.uploads / str(record.get("stored", ""))).is_file():
            return None
        return record

    def upload_path(self, record: dict[str, Any]) -> Path:
        return self.uploads / record["stored"]

    def list_uploads(self) -> list[dict[str, Any]]:
        """Every upload, the newest first."""
        records = [self.upload(path.stem) for path in self.uploads.glob("data-*.json")]
        return sorted((r for r in records if r is not None), key=lambda r: r.get("uploaded", ""), reverse=True)

    def register_upload(self, path: Path, display_name: str) -> dict[str, Any]:
        """Check a stored responses file with the data check (``data check --json``) and write its record."""
        from alliance_stats.plan.templates import template

        upload_id = path.name.split(".")[0]
        sha = sha256_of(path)
        record = {
            "id": upload_id, "stored": path.name, "display": display_name, "size": path.stat().st_size,
            "sha256": sha, "uploaded": now_utc(),
            "synthetic": sha == sha256_of(template("data/synthetic_responses.csv")),
            "check": self.check_file(path, display_name),
        }
        self.write_record(self.uploads / f"{upload_id}.json", record)
        return record

    def check_file(self, path: Path, display_name: str) -> dict[str, Any]:
        """What ``alliance-stats data check --json`` prints for ``path``, the file named by its display name.

        Personal identifiers are pseudonymised by the reader before any check, so no finding holds one.
        """
        from alliance_stats.data import check_responses, read_responses

        instrument = self.instrument()
        try:
            frame = read_responses(path, instrument)
        except AllianceStatsError as exc:
            exc.file = display_name
            return {"file": display_name, "ok": False, "read_error": True, "n_errors": 1, "n_warnings": 0,
                    "errors": [exc.to_dict()], "warnings": [], "warning_messages": [], "notes": []}
        result = check_responses(frame, instrument, file=display_name)
        return {**result.to_dict(), "read_error": False}

    def add_example(self) -> Path:
        """Copy the bundled synthetic responses into the uploads (server-chosen name); return the copy."""
        from alliance_stats.plan.templates import template

        target = self.uploads / f"data-{secrets.token_hex(8)}.csv"
        write_bytes_atomic(target, template("data/synthetic_responses.csv").read_bytes())
        return target

    # ------------------------------------------------------------------------------------------- plans

    def new_plan_path(self, kind: str = "plan") -> Path:
        return self.plans / f"{kind}-{secrets.token_hex(8)}.yaml"

    def plan_record(self, plan_file: str | None) -> dict[str, Any] | None:
        if not plan_file:
            return None
        stem = Path(plan_file).stem
        if not PLAN_ID.fullmatch(stem):
            return None
        return self._read_json(self.plans / f"{stem}.json")

    # -------------------------------------------------------------------------------------------- runs

    def run_dir(self, run_id: str) -> Path | None:
        """The run folder ``run_id`` (a finished run: it has its provenance), or ``None``."""
        if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
            return None
        folder = self.runs / run_id
        if folder.is_symlink() or not (folder / "provenance.json").is_file():
            return None
        return folder

    def run_file(self, run_id: str, relative: str) -> Path | None:
        """A regular file inside the run folder ``run_id``, or ``None`` (not found, or leading out of it).

        ``relative`` must be a plain relative path: no ``..``, no absolute path, no back-slash; the file, its
        symbolic links resolved, must lie inside the resolved run folder.
        """
        folder = self.run_dir(run_id)
        if folder is None or not relative or "\\" in relative or "\x00" in relative:
            return None
        parts = PurePosixPath(relative).parts
        if relative.startswith("/") or ".." in parts or any(part.startswith(".") for part in parts):
            return None
        base = folder.resolve()
        target = (base / relative).resolve()
        if not target.is_relative_to(base) or not target.is_file():
            return None
        return target

    def run_files(self, run_id: str) -> list[str]:
        """Relative paths (POSIX) of every file of a run folder that :meth:`run_file` would serve."""
        folder = self.run_dir(run_id)
        if folder is None:
            return []
        out = []
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if self.run_file(run_id, relative) is not None:
                out.append(relative)
        return out

    def run_summary(self, run_id: str, lang: str) -> dict[str, Any] | None:
        """Date, kind, data file (display name), plan and language of a run, from its provenance."""
        folder = self.run_dir(run_id)
        provenance = None if folder is None else self._read_json(folder / "provenance.json")
        if provenance is None:
            return None
        inputs = provenance.get("inputs") or {}
        kind = provenance.get("kind", "run")
        data_file = (inputs.get("data") or {}).get("file")
        upload = self.upload(str(data_file).split(".")[0]) if data_file else None
        plan_file = (inputs.get("plan") or inputs.get("power_plan") or {}).get("file")
        plan = self.plan_record(plan_file)
        data = upload["display"] if upload else (data_file or "")
        if kind == "power":  # simulated populations
            data = tr("app.runs.synthetic", lang)
        return {"id": run_id, "time": str(provenance.get("time", ""))[:19].replace("T", " "),
                "kind": tr("app.job.kind.power" if kind == "power" else "app.job.kind.plan", lang),
                "data": data, "plan": plan["display"] if plan else (plan_file or ""),
                "lang": provenance.get("language", ""), "synthetic": bool(provenance.get("synthetic"))}

    def list_runs(self, lang: str) -> list[dict[str, Any]]:
        """Every finished run of the workspace, the newest first."""
        summaries = [self.run_summary(path.name, lang) for path in self.runs.iterdir()
                     if RUN_ID.fullmatch(path.name)] if self.runs.is_dir() else []
        return sorted((s for s in summaries if s is not None), key=lambda s: s["id"], reverse=True)
