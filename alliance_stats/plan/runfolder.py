"""The run folder: atomic writing, provenance (versions, SHA-256 of inputs, time) and deterministic JSON.

The one place that writes files atomically: a run folder is written into a temporary folder next to the
target and renamed at the end (:func:`run_folder`, :func:`write_run`), a single file through a temporary
file in the same folder (:func:`write_bytes_atomic`, used by the command line). Either the complete output
is there or nothing is.

Nothing of the user's is lost: output locations are checked before any computation (:func:`check_run_folder`,
:func:`check_output_file`: typed :class:`OutputError`); ``--force`` replaces only an earlier run folder of the
tool (its ``provenance.json`` names the tool, :func:`is_run_folder`), never a file, a link or another folder;
symbolic links are written through and devices or pipes (``/dev/stdout``) written in place, never replaced;
an interrupted write (SIGINT, SIGTERM) removes its temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alliance_stats.core.errors import AllianceStatsError


def sha256_file(path: Path) -> str:
    """SHA-256 of an input file for the provenance, read when the report is made (after the computations).

    A file that is gone by then (moved, renamed or deleted while the run was under way) or that cannot be read
    any more raises :class:`~alliance_stats.core.errors.ReadError` naming it: the CLI prints it and exits with
    status 2, and nothing is written (a provenance must not name a file it could not hash).

    >>> try:
    ...     sha256_file(Path("no-such-file.csv"))
    ... except AllianceStatsError as error:
    ...     print(type(error).__name__, error.file)
    ReadError no-such-file.csv
    """
    from alliance_stats.core.errors import ReadError

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError as exc:
        raise ReadError("the input file is gone: it was moved, renamed or deleted while the run was under way, "
                        "so its SHA-256 cannot be recorded in the provenance", file=str(path),
                        fix="put the file back where it was (or give its new path) and run again; "
                            "nothing was written") from exc
    except OSError as exc:
        raise ReadError(f"the input file cannot be read any more ({exc.strerror or type(exc).__name__}), so its "
                        "SHA-256 cannot be recorded in the provenance", file=str(path),
                        fix="check the file's permissions and that it is a file, then run again; "
                            "nothing was written") from exc
    return digest.hexdigest()


def dependency_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version  # not at the command line's start (--help)

    names = ["alliance-stats", "numpy", "scipy", "pandas", "statsmodels", "scikit-learn", "pingouin", "semopy",
             "firthmodels", "matplotlib", "pydantic", "PyYAML", "openpyxl", "pyreadstat", "python-docx", "jinja2"]
    out: dict[str, str] = {"python": platform.python_version()}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


#: ``provenance.json`` of every run folder names the tool; ``--force`` replaces only such a folder.
TOOL = "alliance-stats"


class OutputError(AllianceStatsError):
    """An output location the tool cannot or must not write (checked before any computation)."""


class Terminated(BaseException):  # noqa: N818 - like KeyboardInterrupt, not an error of the program
    """Raised in the main thread by the command line's handler of SIGTERM (Slurm, ``timeout``, ``docker stop``)
    and SIGINT (Ctrl-C); ``args[0]`` is the signal number.

    A :class:`BaseException`, as :class:`KeyboardInterrupt` is: the writers clean their temporary files up and
    the command line exits with status 143 (SIGTERM) or 130 (SIGINT).
    """


def _first_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (``Path(".")`` at worst)."""
    path = Path(os.path.abspath(path))
    while not os.path.lexists(path) and path != path.parent:
        path = path.parent
    return path


def _check_folder_writable(folder: Path, what: Path, *, create: bool) -> None:
    """Refuse ``what`` when the folder that would hold it is missing (unless ``create``), a file or read-only."""
    existing = _first_existing(folder)
    if existing.exists() and not existing.is_dir():
        raise OutputError(f"{existing} is a file, so nothing can be written under it", file=str(what),
                          fix="choose an output path whose folders are folders, not files")
    if existing != Path(os.path.abspath(folder)) and not create:
        raise OutputError(f"the folder {folder} does not exist", file=str(what),
                          fix=f"create it first (mkdir -p {folder}) or correct the path")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"the folder {existing} is not writable", file=str(what),
                          fix="choose a folder you can write to, or change its permissions")


def is_run_folder(folder: Path) -> bool:
    """True when ``folder`` holds a ``provenance.json`` written by alliance-stats (a run or power folder).

    Parameters
    ----------
    folder
        A folder.

    Returns
    -------
    bool
        Whether ``--force`` may replace it: its ``provenance.json`` names the tool (``"tool"``), or, for run
        folders written before that field, lists the tool's version under ``"versions"``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     before = is_run_folder(Path(folder))
    ...     _ = (Path(folder) / "provenance.json").write_text('{"tool": "alliance-stats"}')
    ...     before, is_run_folder(Path(folder))
    (False, True)
    """
    try:
        with open(Path(folder) / "provenance.json", "rb") as handle:
            provenance = json.load(handle)
    except (OSError, ValueError):
        return False
    if not isinstance(provenance, dict):
        return False
    versions = provenance.get("versions")
    return provenance.get("tool") == TOOL or (isinstance(versions, dict) and TOOL in versions
                                              and "time" in provenance)


def check_run_folder(target: Path, force: bool) -> None:
    """Refuse, before any computation, a run folder that cannot or must not be written.

    Parameters
    ----------
    target
        The run folder to write.
    force
        Replace an earlier run folder of the tool.

    Raises
    ------
    OutputError
        ``target`` exists and ``force`` is not set; it exists and is not a run folder of alliance-stats (a
        file, a symbolic link, a folder of the user's: never replaced, even with ``force``); a folder above it
        is a file; the folder that would hold it is not writable.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     try:
    ...         check_run_folder(Path(folder), force=True)
    ...     except OutputError as error:
    ...         print(error.message)  # doctest: +ELLIPSIS
    the folder exists and is not a run folder of alliance-stats ...: --force replaces only an earlier run folder
    """
    target = Path(target)
    if os.path.lexists(target):
        if target.is_symlink():
            raise OutputError("the run folder is a symbolic link; --force never replaces a link",
                              file=str(target), fix="give a new folder with -o, or the real folder the link "
                              "points to")
        if not target.is_dir():
            raise OutputError("this is a file, not a run folder; it is never replaced", file=str(target),
                              fix="choose a new folder with -o")
        if not force:
            raise OutputError("the run folder already exists", file=str(target),
                              fix="choose another folder with -o, or pass --force to replace it")
        if not is_run_folder(target):
            raise OutputError("the folder exists and is not a run folder of alliance-stats (it has no "
                              "provenance.json written by the tool): --force replaces only an earlier run folder",
                              file=str(target), fix="choose a new folder with -o; nothing was deleted")
    _check_folder_writable(target.parent, target, create=True)


def refuse_existing(target: Path, force: bool) -> None:
    """Raise before any computation when ``target`` cannot be written (:func:`check_run_folder`)."""
    check_run_folder(target, force)


@contextmanager
def run_folder(target: Path, force: bool) -> Iterator[Path]:
    """Yield a temporary folder that becomes ``target`` when the block succeeds (atomic publication).

    On any exception, SIGINT (:class:`KeyboardInterrupt`) and SIGTERM (:class:`Terminated`) included, the
    temporary folder is removed and a note saying so is added to the exception.
    """
    target = Path(target)
    check_run_folder(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp creates 0700; a run folder gets the usual permissions
    try:
        yield tmp
        check_run_folder(target, force)  # nothing of the user's appeared there meanwhile
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".old"))
            os.replace(target, old / "previous")
            os.replace(tmp, target)
            shutil.rmtree(old)
        else:
            os.replace(tmp, target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        exc.add_note(f"the unfinished output {tmp} was removed; {target} was not changed")
        raise


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


def writes_in_place(path: Path) -> bool:
    """True when ``path`` is written in place, never replaced: a character device, a pipe, a socket, or a path
    under ``/dev`` or ``/proc`` (``/dev/stdout`` when the standard output is a file).

    Parameters
    ----------
    path
        An output path (symbolic links are followed).

    Returns
    -------
    bool
        Whether :func:`write_bytes_atomic` opens it and writes, instead of renaming a temporary file over it.

    Examples
    --------
    >>> writes_in_place(Path("/dev/null")), writes_in_place(Path("report.csv"))
    (True, False)
    """
    if str(os.path.abspath(path)).startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = os.stat(path).st_mode  # follows symbolic links
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_output_file(path: Path) -> None:
    """Refuse, before any computation, a file output that cannot be written.

    Parameters
    ----------
    path
        The file to write (``-o`` of ``survey export`` and ``simulate``); a symbolic link is followed.

    Raises
    ------
    OutputError
        ``path`` is a folder; the folder that would hold it does not exist, is a file or is not writable.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     try:
    ...         check_output_file(Path(folder))
    ...     except OutputError as error:
    ...         print(error.message)
    this is a folder; a file is expected here
    """
    path = Path(path)
    if writes_in_place(path):
        if not os.access(path, os.W_OK):
            raise OutputError("this device or pipe is not writable", file=str(path),
                              fix="choose a file you can write to")
        return
    real = Path(os.path.realpath(path))
    if real.is_dir():
        raise OutputError("this is a folder; a file is expected here", file=str(path),
                          fix=f"give a file name inside it, e.g. {path / 'output'}")
    _check_folder_writable(real.parent, path, create=False)


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path``: a regular file through a temporary file and a rename, anything else in place.

    A symbolic link is written through (the file it points to is replaced, the link stays); a character
    device or a pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written directly and never replaced.

    Parameters
    ----------
    path
        The file to write (checked by :func:`check_output_file`).
    payload
        The bytes.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = Path(folder) / "real.txt"
    ...     (Path(folder) / "link.txt").symlink_to(target)
    ...     write_bytes_atomic(Path(folder) / "link.txt", b"through")
    ...     target.read_bytes(), (Path(folder) / "link.txt").is_symlink()
    (b'through', True)
    """
    path = Path(path)
    check_output_file(path)
    if writes_in_place(path):
        try:
            with open(path, "wb") as handle:
                handle.write(payload)
        except OSError as exc:  # /dev/full, a closed pipe
            raise OutputError(f"could not write: {exc.strerror or exc}", file=str(path),
                              fix="choose another output") from None
        return
    real = Path(os.path.realpath(path))
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, real)
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

