"""app: the local web page (``alliance-stats app``) for researchers who do not program.

Design the survey (the instrument, its exports, the power analysis), check the data, run the plan, read and
download the report, with clicks, on the researcher's own machine: a Starlette application served by uvicorn on
127.0.0.1, server-rendered Jinja2 pages and a few lines of plain JavaScript shipped in the package (no build
step, nothing fetched from the internet). The page calls the same runners as the command line
(:mod:`alliance_stats.instrument.export`, the data check, :func:`alliance_stats.plan.run_plan`,
:func:`alliance_stats.power.run_power_plan`) on a workspace folder (:mod:`.workspace`).

Layout: :mod:`.security` (session token, Host check, size limit, headers, CSRF), :mod:`.uploads` (streamed
multipart uploads under server-chosen names), :mod:`.workspace` (folders, records, safe downloads),
:mod:`.plans` (plans from forms and uploads), :mod:`.jobs` (one background run at a time), :mod:`.server`
(routes), :mod:`.launcher` (uvicorn and the browser). Templates and static files: ``templates/``, ``static/``.
"""

from alliance_stats.core.lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "create_app": "alliance_stats.app.server",
    "Session": "alliance_stats.app.security",
    "Workspace": "alliance_stats.app.workspace",
    "serve": "alliance_stats.app.launcher",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
