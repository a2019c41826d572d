"""The state of one run: plan, instrument, language, warning log, report sections under construction.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from alliance_stats.core import errors
from alliance_stats.core.errors import AnalysisWarning, SpecificationError
from alliance_stats.core.i18n import translate_message
from alliance_stats.plan.schema import Plan

#: The kinds of warning a report names: the warning classes of :mod:`alliance_stats.core.errors`.
WARNING_KINDS: tuple[str, ...] = tuple(
    name for name in errors.__all__ if isinstance(getattr(errors, name), type)
    and issubclass(getattr(errors, name), AnalysisWarning))


def warning_kind(category: type[Warning] | str) -> str:
    """The report's kind of a warning: the most specific class of :data:`WARNING_KINDS` that ``category`` is
    (or derives from); ``AnalysisWarning`` for a library's ``RuntimeWarning`` or ``UserWarning``.

    >>> from alliance_stats.core.errors import SeparationWarning
    >>> warning_kind(SeparationWarning), warning_kind(RuntimeWarning), warning_kind("SparseDataWarning")
    ('SeparationWarning', 'AnalysisWarning', 'SparseDataWarning')
    """
    if isinstance(category, str):
        if category not in WARNING_KINDS:
            raise ValueError(f"unknown warning kind {category!r}; use one of {', '.join(WARNING_KINDS)}")
        return category
    for klass in category.__mro__:
        if klass.__name__ in WARNING_KINDS and getattr(errors, klass.__name__) is klass:
            return klass.__name__
    return AnalysisWarning.__name__


class WarningLog:
    """Collects the warnings of every stage (Python warnings and result ``.warnings``) for the report."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, stage: str, message: str, kind: type[Warning] | str = AnalysisWarning) -> None:
        """Record ``message`` of ``stage`` once; ``kind`` is a warning class or one of :data:`WARNING_KINDS`."""
        message = str(message)
        kind = warning_kind(kind)
        for entry in self.items:
            if entry["stage"] == stage and entry["message"] == message:
                if entry["kind"] == "AnalysisWarning":  # keep the most specific category
                    entry["kind"] = kind
                return
        self.items.append({"stage": stage, "kind": kind, "message": message})

    def attempt(self, stage: str, what: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """:meth:`run`, except that an analysis the data cannot support (a :class:`SpecificationError`, e.g. a
        CFA of 53 items on 60 pilot respondents) is recorded as a warning and gives ``None``: the rest of the
        run goes on and the report says what was not computed and why."""
        try:
            return self.run(stage, func, *args, **kwargs)
        except SpecificationError as exc:
            where = f" ({exc.location()})" if exc.location() else ""
            fix = f" {exc.fix[:1].upper()}{exc.fix[1:].rstrip('.')}." if exc.fix else ""
            self.add(stage, f"{what} not computed: {exc.message.rstrip('.')}{where}.{fix}", AnalysisWarning)
            return None

    def run(self, stage: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``func`` and record the analysis warnings it raises and its result's ``.warnings``."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = func(*args, **kwargs)
            finally:  # warnings raised before an error still reach the report (e.g. rows dropped, then refused)
                for w in caught:
                    if issubclass(w.category, AnalysisWarning | RuntimeWarning | UserWarning) and not issubclass(
                        w.category, DeprecationWarning | FutureWarning
                    ):
                        self.add(stage, str(w.message), w.category)
        for message in getattr(result, "warnings", None) or []:
            self.add(stage, str(message))
        return result

    def text(self, lang: str = "en") -> str:
        """``warnings.txt``: one line per warning, in ``lang`` (messages in French when ``lang`` is ``fr``)."""
        if not self.items:
            return "Aucun avertissement.\n" if lang == "fr" else "No warnings.\n"
        return "".join(f"[{w['stage']}] {w['kind']}: {translate_message(w['message'], lang)}\n" for w in self.items)


EXPORT_EXTENSIONS = {"xlsform": "xlsx", "limesurvey": "txt", "html": "html", "markdown": "md",
                     "codebook-json": "json", "codebook-csv": "csv", "sav": "sav"}


class RunContext:
    """State shared by the sections of one run: plan, language, instrument, warnings and numbers."""

    def __init__(self, plan: Plan, lang: str, instrument: Any) -> None:
        import numpy as np

        self.plan = plan
        self.lang = lang
        self.instrument = instrument
        self.log = WarningLog()
        self.values: dict[str, Any] = {}
        self.tables: dict[str, Any] = {}
        seeds = np.random.SeedSequence(plan.seed).generate_state(8)
        self.seeds = {name: int(seeds[i]) for i, name in
                      enumerate(["alpha", "parallel", "cluster", "mediation", "efa", "checks", "spare2", "spare3"])}

    def tr(self, key: str, **fields: Any) -> str:
        """Catalogue text of ``key`` in the run's language, ``str.format``-ed with ``fields`` when given."""
        from alliance_stats.core.i18n import tr

        text = tr(key, self.lang)
        return text.format(**fields) if fields else text

    def section(self, sid: str, title: str) -> Any:
        from alliance_stats.report import Section

        return Section(id=sid, title=title)

    def add_table(self, section: Any, table: Any) -> None:
        section.tables.append(table)
        self.tables[table.key] = table

    def stage_warnings(self, section: Any, stage: str) -> None:
        section.warnings.extend(translate_message(w["message"], self.lang) for w in self.log.items
                                if w["stage"] == stage)


def take(prep: dict[str, Any], name: str, compute: Callable[[], Any]) -> Any:
    """The result of ``compute()``, taken from the run's second lane (:class:`~alliance_stats.plan.lanes.Lane`,
    ``prep["lane"]``) when a worker computed it ahead under ``name``; else ``compute()`` called here."""
    lane = prep.get("lane")
    return compute() if lane is None else lane.take(name, compute)


def take_all(prep: dict[str, Any], jobs: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """``{name: take(prep, name, compute)}`` for every job, in order, with the two processes sharing the jobs the
    worker has not begun (:meth:`~alliance_stats.plan.lanes.Lane.take_all`)."""
    lane = prep.get("lane")
    return {name: compute() for name, compute in jobs.items()} if lane is None else lane.take_all(jobs)


def rendered_figure(fig: Any) -> tuple[dict[str, bytes], tuple[float, float]]:
    """The PNG and SVG bytes of a matplotlib figure and its size in inches (a figure made ahead by the run's second
    lane travels back as these)."""
    from alliance_stats.report.figures import FIGURE_DPI, figure_files

    files = figure_files(fig, dpi=FIGURE_DPI)
    width, height = (float(v) for v in fig.get_size_inches())
    return files, (width, height)


def _rendered_figure(section: Any, key: str, rendered: tuple[dict[str, bytes], tuple[float, float]], caption: str,
                     note: str = "") -> None:
    """Add a figure already rendered by :func:`rendered_figure` to ``section``."""
    from matplotlib.figure import Figure

    from alliance_stats.report import ReportFigure

    files, size = rendered
    figure = ReportFigure(key=key, figure=Figure(figsize=size), caption=caption, note=note)
    figure.__dict__["files"] = files  # the cached_property's value: the bytes rendered from the full figure
    section.figures.append(figure)


def _figure(ctx: RunContext, section: Any, key: str, fig: Any, caption: str, note: str = "") -> None:
    from alliance_stats.report import ReportFigure

    figure = ReportFigure(key=key, figure=fig, caption=caption, note=note)
    _ = figure.files  # render now (the figures are built without pyplot: there is no registry to close them in)
    section.figures.append(figure)


def _table(key: str, title: str, frame: Any, note: str, formats: dict[str, str], lang: str,
           show_index: bool = True) -> Any:
    from alliance_stats.core.table import Table

    return Table(key=key, title=title, frame=frame, note=note, formats=formats, lang=lang, show_index=show_index)

