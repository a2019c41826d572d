"""plan: the analysis plan (schema, checks) and the runner that chains the stages into a run folder.

A plan is a YAML file (``analyses/confirmatory.yaml``) validated by :class:`Plan` (pydantic, unknown keys
rejected). Every mistake is reported as a :class:`~alliance_stats.core.errors.PlanError` naming the plan file and
the line, *before* any computation starts: the YAML is parsed, validated against the schema, then checked
against the instrument (variables, construct codes, reference levels, hypothesis terms).

Layout: :mod:`.schema` (the plan), :mod:`.checks` (the plan against the instrument), :mod:`.context` (the state
of one run), :mod:`.runner` (:func:`run_plan`), :mod:`.runfolder` (atomic writing, provenance), :mod:`.suppression`
(small counts), :mod:`.sections` (one module per report section, each calling stage APIs only),
:mod:`.templates` (the packaged plans and synthetic example data) and :mod:`.study` (``alliance-stats init``).

This package, :mod:`alliance_stats.power.runner` and :mod:`alliance_stats.cli` are the only places that write
files, all through :mod:`.runfolder`. A run is written into a temporary folder next to the target and renamed
at the end, so a run folder is either complete or absent; an existing folder is replaced only with
``force=True``.
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Plan": "alliance_stats.plan.schema",
    "OutcomeSpec": "alliance_stats.plan.schema",
    "ClusterSpec": "alliance_stats.plan.schema",
    "TypologySpec": "alliance_stats.plan.schema",
    "MeasurementSpec": "alliance_stats.plan.schema",
    "ModelSpec": "alliance_stats.plan.schema",
    "HypothesisSpec": "alliance_stats.plan.schema",
    "ReportSpec": "alliance_stats.plan.schema",
    "load_plan": "alliance_stats.plan.schema",
    "load_validated": "alliance_stats.plan.schema",
    "read_yaml": "alliance_stats.plan.schema",
    "check_plan": "alliance_stats.plan.checks",
    "check_analysis_data": "alliance_stats.plan.checks",
    "run_plan": "alliance_stats.plan.runner",
    "EXPORT_EXTENSIONS": "alliance_stats.plan.context",
    "suppress_small_counts": "alliance_stats.plan.suppression",
    "init_study": "alliance_stats.plan.study",
    "default_plan_path": "alliance_stats.plan.templates",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
