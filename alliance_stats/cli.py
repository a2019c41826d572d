"""The ``alliance-stats`` command line.

Commands
--------
``init DIR``            a new study folder: plan, power plan, instrument, synthetic example, next steps.
``run PLAN``            the main job: the confirmatory plan end to end, into a run folder.
``simulate``            synthetic responses with known truth.
``power PLAN``          simulation-based power and sample size for the whole plan.
``survey export``       the instrument as XLSForm, LimeSurvey, HTML, Markdown, codebook or SPSS.
``data check FILE``     validate a responses file against the instrument.
``app``                 the local web page: survey, data check, plan, report, with clicks.

User mistakes raise :class:`alliance_stats.core.errors.AllianceStatsError`; :func:`main` prints the message
without a traceback and exits with status 2. This module, :mod:`alliance_stats.plan` and the local web page
(:mod:`alliance_stats.app`) are the only places that read or write files (besides the readers of
:mod:`alliance_stats.data`); every write goes through :mod:`alliance_stats.plan.runfolder`, the one atomic
writer (but the page's uploads, streamed into a hidden ``.part`` file renamed once complete).

No ``from __future__ import annotations`` here: typer reads every command's parameters from its annotations each
time the command line starts, and annotations kept as text are evaluated again then, every command's (0.09 s
CPU of each start, ten times what evaluating them once at import costs).
"""

import gc
import json
import signal
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.core.safetext import escape_terminal
from alliance_stats.plan.runfolder import (  # the one atomic writer
    Terminated,
    check_output_file,
    write_bytes_atomic,
)


def _flag_type_hidden(display: Any) -> Any:
    """Typer 0.29 shows a flag's type (``--force <bool>``) in the help, as if it took a value: show none."""

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        return None if getattr(self, "is_flag", False) and self.metavar is None else display(self, ctx)

    return display_type_rich


typer.core.TyperOption.display_type_rich = _flag_type_hidden(typer.core.TyperOption.display_type_rich)

app = typer.Typer(
    name="alliance-stats",
    help="Test a typology of strategic alliances between very small firms in their start-up phase.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
survey_app = typer.Typer(help="The survey instrument: export it for survey tools.", no_args_is_help=True)
data_app = typer.Typer(help="Responses: validate a file against the instrument.", no_args_is_help=True)
app.add_typer(survey_app, name="survey")
app.add_typer(data_app, name="data")

err_console = Console(stderr=True)
out_console = Console()


FORCE_HELP = "Replace an earlier run folder of the tool (never another folder or a file)."


def _said_to(output: Path) -> Console:
    """Where to confirm a write: the error stream when the output itself is the standard output or a device."""
    from alliance_stats.plan.runfolder import writes_in_place

    return err_console if writes_in_place(output) else out_console



class Lang(StrEnum):
    fr = "fr"
    en = "en"


class ExportLang(StrEnum):
    fr = "fr"
    en = "en"
    both = "both"


class ExportFormat(StrEnum):
    xlsform = "xlsform"
    limesurvey = "limesurvey"
    html = "html"
    markdown = "markdown"
    codebook_json = "codebook-json"
    codebook_csv = "codebook-csv"
    sav = "sav"


def _version_callback(value: bool) -> None:
    if value:
        from alliance_stats import __version__

        typer.echo(f"alliance-stats {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Test a typology of strategic alliances between very small firms in their start-up phase."""


def _load_instrument(path: Path | None):
    """The instrument at ``path``; without one, the instrument shipped with the package (from any folder)."""
    from alliance_stats.instrument import default_instrument, load_instrument

    return default_instrument() if path is None else load_instrument(path)


# -------------------------------------------------------------------------------------------- init


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="The new study folder (must not exist, or be empty).")],
) -> None:
    """Create a study folder: the plan, the power plan, the instrument, synthetic example data, next steps."""
    from alliance_stats.plan.study import init_study

    files = init_study(folder)
    out_console.print(f"Study folder {folder}: {', '.join(sorted(files))}", highlight=False, markup=False,
                      soft_wrap=True)
    out_console.print(f"Next: alliance-stats run {folder / 'plan.yaml'} -o {folder / 'reports' / 'first'} "
                      f"(see {folder / 'README.md'})", highlight=False, markup=False, soft_wrap=True)


# --------------------------------------------------------------------------------------------- run


@app.command()
def run(
    plan: Annotated[
        Path | None,
        typer.Argument(help="Analysis plan (YAML), e.g. analyses/confirmatory.yaml; without it, the packaged "
                            "example plan on the bundled synthetic data."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Run folder (default: reports/<plan name>).")
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Report language (default: the plan's).")] = None,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
    data: Annotated[
        Path | None, typer.Option("--data", help="Run the plan on this responses file instead of the plan's.")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Worker processes, 1 or 2 (default: 2 on a machine with 2 CPUs or more). With "
                                    "2, the parts that depend only on the prepared data run ahead on a second core; "
                                    "the results are the same."),
    ] = None,
) -> None:
    """Run an analysis plan end to end and write the report into a run folder."""
    # Start-up (the run's modules, the plan) makes objects that stay alive and no garbage: the cyclic collector is
    # off until the run's data are prepared, when the run turns it on (plan.runner._collector_for_run: turned on
    # here instead, it would first pass over every object made meanwhile).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from alliance_stats.plan import load_plan, run_plan
        from alliance_stats.plan.lanes import default_jobs
        from alliance_stats.plan.templates import default_plan_path

        parsed = load_plan(default_plan_path() if plan is None else plan)
        folder = run_plan(
            parsed,
            output=output,
            lang=None if lang is None else lang.value,
            force=force,
            data=data,
            console=err_console,
            jobs=default_jobs() if jobs is None else jobs,
        )
    finally:
        if collecting:
            gc.enable()
    out_console.print(f"Run folder: {folder}")


# ---------------------------------------------------------------------------------------- simulate


@app.command()
def simulate(
    n_dyads: Annotated[int, typer.Option("--n-dyads", help="Number of alliances (dyads), 1 to 250,000.")] = 300,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (a whole number >= 0).")] = 7,
    output: Annotated[Path, typer.Option("-o", "--output", help="Responses file to write (CSV).")] = Path(
        "responses.csv"
    ),
    truth: Annotated[Path | None, typer.Option("--truth", help="Write the true parameters (JSON).")] = None,
    params: Annotated[
        Path | None, typer.Option("--params", help="Simulation parameters (YAML) overriding the defaults.")
    ] = None,
) -> None:
    """Simulate survey responses with known truth (synthetic data)."""
    from alliance_stats.core.errors import SpecificationError
    from alliance_stats.core.safetext import neutralise_frame
    from alliance_stats.simulate import SimulationParams, simulate_alliances
    from alliance_stats.simulate.simulator import MAX_DYADS

    if not 1 <= n_dyads <= MAX_DYADS:  # checked before reading --params or drawing anything
        raise SpecificationError(f"--n-dyads must be between 1 and {MAX_DYADS:,}", value=n_dyads,
                                 fix="simulate fewer dyads (several files with different seeds if you need more)")
    if seed < 0:
        raise SpecificationError("--seed must be a whole number of at least 0", value=seed,
                                 fix="use a seed such as 7 or 20260101")

    check_output_file(output)  # before any computation
    if truth is not None:
        check_output_file(truth)

    sim_params = None
    if params is not None:
        from pydantic import ValidationError

        from alliance_stats.core.errors import PlanError
        from alliance_stats.plan import read_yaml

        try:
            sim_params = SimulationParams.model_validate(read_yaml(params) or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(top level)"
            raise PlanError(f"simulation parameter {where}: {first['msg']}", file=str(params),
                            value=first.get("input"),
                            fix="see the fields of alliance_stats.simulate.SimulationParams") from None
    result = simulate_alliances(n_dyads, params=sim_params, seed=seed)
    # codes are floats in memory (NaN = missing); "%.15g" writes 5.0 as 5 and keeps any decimal
    csv_text = neutralise_frame(result.responses).to_csv(index=False, float_format="%.15g")
    write_bytes_atomic(output, csv_text.encode("utf-8"))
    if truth is not None:
        write_bytes_atomic(truth, json.dumps(result.truth.to_dict(), indent=2, sort_keys=True).encode())
    _said_to(output).print(f"{len(result.responses)} responses from {n_dyads} dyads written to {output}",
                           highlight=False, markup=False)


# ------------------------------------------------------------------------------------------- power


@app.command()
def power(
    plan: Annotated[Path, typer.Argument(help="Power plan (YAML), e.g. analyses/power.yaml.")],
    reps: Annotated[int | None, typer.Option("--reps", min=1, help="Replicates per N.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", help="Worker processes (at most one per CPU is started).")] = 1,
    backend: Annotated[str, typer.Option("--backend", help="'local' (joblib) or 'dask'.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786.")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Run folder.")] = None,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """Simulation-based power and sample size for the confirmatory plan."""
    from alliance_stats.power import run_power_plan

    folder = run_power_plan(
        plan, reps=reps, jobs=jobs, backend=backend, scheduler=scheduler, output=output, force=force,
        console=err_console,
    )
    out_console.print(f"Run folder: {folder}")


# ------------------------------------------------------------------------------------------ survey


@survey_app.command("export")
def survey_export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="Export format.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    lang: Annotated[ExportLang, typer.Option("--lang", help="Language(s).")] = ExportLang.both,
    instrument: Annotated[
        Path | None, typer.Option("--instrument", help="Instrument YAML (default: the packaged one).")
    ] = None,
) -> None:
    """Export the survey instrument for a survey tool, for print or as a codebook."""
    from alliance_stats.instrument.export import export_instrument

    check_output_file(output)  # before any computation
    inst = _load_instrument(instrument)
    payload = export_instrument(inst, fmt.value, lang.value)
    write_bytes_atomic(output, payload)
    _said_to(output).print(f"{fmt.value} ({lang.value}) written to {output}", highlight=False, markup=False)


# --------------------------------------------------------------------------------------------- app


@app.command("app")
def app_command(
    port: Annotated[int, typer.Option("--port", help="Port (0: a free one).")] = 8765,
    workspace: Annotated[
        Path, typer.Option("--workspace", help="Folder of the study, uploads, plans and run folders (created).")
    ] = Path("alliance-stats-workspace"),
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open the browser.")] = False,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default 127.0.0.1: this computer only).")
    ] = "127.0.0.1",
    max_upload_mb: Annotated[int, typer.Option("--max-upload-mb", help="Largest upload, in MB.")] = 200,
) -> None:
    """The local web page: design the survey, check the data, run the plan, read and download the report."""
    from alliance_stats.app import serve

    serve(workspace, port=port, host=host, open_browser=not no_browser, max_upload_mb=max_upload_mb,
          console=err_console)


# -------------------------------------------------------------------------------------------- data


@data_app.command("check")
def data_check(
    file: Annotated[Path, typer.Argument(help="Responses file (CSV, XLSX, SAV, DTA, Kobo/ODK CSV).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    instrument: Annotated[
        Path | None, typer.Option("--instrument", help="Instrument YAML (default: the packaged one).")
    ] = None,
) -> None:
    """Validate a responses file against the instrument; exit 2 when it has errors."""
    from alliance_stats.data import check_responses, read_responses

    try:
        inst = _load_instrument(instrument)
        frame = read_responses(file, inst)
    except AllianceStatsError as exc:
        if not as_json:
            raise
        # --json promises JSON on standard output, also when the file cannot be read at all
        _echo_json({"file": str(file), "ok": False, "read_error": True, "n_errors": 1, "n_warnings": 0,
                    "errors": [exc.to_dict()], "warnings": [], "warning_messages": [], "notes": []})
        raise typer.Exit(code=2) from None
    result = check_responses(frame, inst, file=str(file))
    if as_json:
        _echo_json({**result.to_dict(), "read_error": False})
    else:  # data cannot drive the terminal: ANSI/OSC escape sequences are printed as text
        out_console.print(escape_terminal(result.summary()), markup=False, highlight=False, soft_wrap=True)
    if not result.ok:
        raise typer.Exit(code=2)


def _echo_json(payload: dict[str, object]) -> None:
    """Print ``payload`` as JSON; json escapes C0 controls, C1 controls (one-character CSI, OSC) are escaped too."""
    text = json.dumps(payload, indent=2, ensure_ascii=False)
    typer.echo("".join(f"\\u{ord(c):04x}" if "\x7f" <= c <= "\x9f" else c for c in text))


_SIGNALS = {signal.SIGINT: ("SIGINT (Ctrl-C)", 130), signal.SIGTERM: ("SIGTERM", 143)}


def _on_signal(signum: int, frame: object) -> None:
    """SIGINT (Ctrl-C) or SIGTERM (Slurm, ``timeout``, ``docker stop``): stop, so that the writers clean up.

    Not a :class:`KeyboardInterrupt`: typer would turn that into a silent exit 130.
    """
    signal.signal(signum, signal.SIG_IGN)  # a second signal does not interrupt the clean-up
    raise Terminated(signum)


def _stopped(exc: BaseException, name: str, status: int) -> None:
    """Say on the console that the command was stopped by a signal, and what was cleaned up; exit."""
    notes = [note for note in getattr(exc, "__notes__", []) if isinstance(note, str)]
    done = " ".join(notes) if notes else "no output was being written"
    err_console.print(escape_terminal(f"Stopped by {name}: {done}."), highlight=False, markup=False,
                      soft_wrap=True)
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning user errors into a message and exit status 2.

    SIGINT (Ctrl-C) exits with status 130 and SIGTERM with 143, after the unfinished output is removed, with
    a message saying so.
    """
    previous: dict[int, object] = {}
    try:
        for signum in _SIGNALS:
            previous[signum] = signal.signal(signum, _on_signal)
    except ValueError:  # not the main thread (an embedding application): leave the signals alone
        pass
    try:
        # with standalone_mode=False click returns the code of a typer.Exit instead of raising it
        status = app(args=argv, standalone_mode=False)
    except KeyboardInterrupt as exc:  # SIGINT before the handler was installed
        _stopped(exc, "SIGINT (Ctrl-C)", 130)
    except Terminated as exc:
        _stopped(exc, *_SIGNALS.get(exc.args[0] if exc.args else signal.SIGTERM, ("SIGTERM", 143)))
    except AllianceStatsError as exc:
        err_console.print(escape_terminal(f"Error: {exc}"), highlight=False, markup=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("Aborted.")
        sys.exit(1)
    except Exception as exc:  # click usage errors
        import click

        usage_errors: tuple[type[BaseException], ...] = (click.exceptions.ClickException,)
        try:  # typer >= 0.20 raises its vendored click's exceptions
            from typer._click.exceptions import ClickException as TyperClickException

            usage_errors += (TyperClickException,)
        except ImportError:  # pragma: no cover - older typer uses click itself
            pass
        if isinstance(exc, usage_errors):
            exc.show()
            sys.exit(2)
        raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        if argv is None:  # the command line's own process, which ends now (not a test or an embedding program)
            # The interpreter's shutdown runs the cyclic collector over every object still alive (a run leaves
            # about a million): 0.4 s of the demo's 11 s on a quiet machine, 1.8 s on a busy one. Frozen objects are
            # left to the operating system, which frees the whole process anyway; files are closed and renamed by
            # then (plan/runfolder.py), and atexit handlers still run.
            gc.freeze()
    sys.exit(status if isinstance(status, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
