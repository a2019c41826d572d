"""The routes of the local web page (Starlette): survey, data, plan, runs, and the files they serve.

:func:`create_app` builds the ASGI application for one workspace and one :class:`~alliance_stats.app.security.Session`.
Pages are rendered server-side with Jinja2 (autoescape on for every template: a firm name, a file name or a plan
title is always text, never markup); a few lines of plain JavaScript (``static/app.js``) sort tables and poll the
progress of a run. Every POST form is checked for its CSRF token; every file served comes from the workspace's
run folders through :meth:`~alliance_stats.app.workspace.Workspace.run_file` (or is made in memory: exports).

Routes
------
``GET /``                       the four steps, and the run going, if any
``GET /survey``                 the instrument (constructs, items, printable questionnaire), exports, power form
``GET /survey/export``          one export (``fmt``, ``lang``) as a download
``GET /survey/printable``       the printable questionnaire (shown in the page)
``POST /power``                 start a power run
``GET /data``, ``POST /data/upload``, ``POST /data/example``, ``GET /data/{id}``, ``GET /data/{id}/check.json``
``GET /plan``, ``POST /plan/run``, ``POST /plan/upload``
``GET /jobs/{id}``, ``GET /jobs/{id}/status``
``GET /runs``, ``GET /runs/{id}``, ``GET /runs/{id}/view/report.html``, ``GET /runs/{id}/files/{path}``,
``GET /runs/{id}/zip``
"""

from __future__ import annotations

import io
import zipfile
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from alliance_stats.app.jobs import Busy, Job, JobRunner
from alliance_stats.app.security import DOCUMENT_CSP, BodyTooLarge, Guard, Session
from alliance_stats.app.uploads import DATA_TYPES, PLAN_TYPES, FormError, receive_form
from alliance_stats.app.workspace import SHOWN_FINDINGS, Workspace, new_run_id
from alliance_stats.core.errors import AllianceStatsError
from alliance_stats.core.i18n import tr

EXPORT_FORMATS: tuple[str, ...] = ("xlsform", "limesurvey", "sav", "codebook-csv", "codebook-json", "html",
                                   "markdown")
STATIC_TYPES = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8"}


def _environment() -> Any:
    import jinja2

    folder = Path(str(files("alliance_stats.app") / "templates"))
    return jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def request_lang(request: Request) -> str:
    """``?lang=`` if given, else the language cookie, else French when the browser prefers it, else English.

    Examples
    --------
    >>> from starlette.requests import Request
    >>> def request(query: bytes, accept: bytes) -> Request:
    ...     return Request({"type": "http", "query_string": query, "headers": [(b"accept-language", accept)]})
    >>> request_lang(request(b"", b"fr-CA,fr;q=0.9")), request_lang(request(b"lang=en", b"fr")), \
request_lang(request(b"", b"de"))
    ('fr', 'en', 'en')
    """
    for candidate in (request.query_params.get("lang"), request.cookies.get("alliance_stats_lang")):
        if candidate in ("fr", "en"):
            return candidate
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "fr" if first.startswith("fr") else "en"


def _attachment(name: str) -> str:
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class Pages:
    """The route handlers, sharing the workspace, the session, the runner and the templates."""

    def __init__(self, workspace: Workspace, session: Session, max_upload_mb: int) -> None:
        self.ws, self.session, self.max_upload_mb = workspace, session, max_upload_mb
        self.jobs = JobRunner()
        self.env = _environment()

    # ------------------------------------------------------------------------------------------ helpers

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = request_lang(request)

        def t(key: str, **values: Any) -> str:
            text = tr(key, lang)
            return text.format(**values) if values else text

        page = self.env.get_template(name).render(
            t=t, lang=lang, other_lang="en" if lang == "fr" else "fr", csrf=self.session.csrf(),
            path=request.url.path, running=self.jobs.running(), workspace=str(self.ws.root),
            max_mb=self.max_upload_mb, **{"nav": None, **context})
        response = HTMLResponse(page, status_code=status)
        if request.query_params.get("lang") in ("fr", "en"):
            response.set_cookie("alliance_stats_lang", lang, httponly=True, samesite="strict")
        return response

    def error(self, request: Request, status: int, message: str, fix: str | None = None) -> HTMLResponse:
        return self.render(request, "error.html", status=status, message=message, fix=fix)

    def refused(self, request: Request, key: str, status: int, **values: Any) -> HTMLResponse:
        return self.error(request, status, tr(key, request_lang(request)).format(**values))

    async def form(self, request: Request) -> Any:
        """The submitted urlencoded form, or ``None`` when its CSRF token is wrong (or it is not urlencoded: a
        multipart body here would spool its files outside the workspace)."""
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return None
        form = await request.form()
        return form if self.session.check_csrf(form.get("csrf")) else None

    def busy(self, request: Request, job: Job) -> HTMLResponse:
        lang = request_lang(request)
        return self.error(request, 409, tr("app.job.busy", lang).format(what=tr(f"app.job.kind.{job.kind}", lang)))

    # ------------------------------------------------------------------------------------------- pages

    async def home(self, request: Request) -> Response:
        return self.render(request, "home.html", nav="home")

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_TYPES:
            return Response(status_code=404)
        body = (files("alliance_stats.app") / "static" / name).read_bytes()
        return Response(body, media_type=STATIC_TYPES[name])

    async def survey(self, request: Request, error: AllianceStatsError | None = None, status: int = 200
                     ) -> Response:
        from alliance_stats.core.yamlio import load_yaml_file
        from alliance_stats.simulate.simulator import CONFIGURATIONS

        instrument = await run_in_threadpool(self.ws.instrument)
        power, _ = load_yaml_file(self.ws.study / "power.yaml")
        return self.render(request, "survey.html", status=status, nav="survey", inst=instrument,
                           formats=EXPORT_FORMATS, power=power, configurations=CONFIGURATIONS, error=error)

    async def export(self, request: Request) -> Response:
        from alliance_stats.instrument.export import export_instrument
        from alliance_stats.plan.context import EXPORT_EXTENSIONS

        fmt, lang = request.query_params.get("fmt"), request.query_params.get("export_lang", "both")
        if fmt not in EXPORT_FORMATS or lang not in ("fr", "en", "both"):
            return self.refused(request, "app.err.not_found", 404)
        instrument = await run_in_threadpool(self.ws.instrument)
        payload = await run_in_threadpool(export_instrument, instrument, fmt, lang)
        name = f"{instrument.meta.id}_{fmt}_{lang}.{EXPORT_EXTENSIONS[fmt]}"
        return Response(payload, media_type="application/octet-stream",
                        headers={"content-disposition": _attachment(name)})

    async def printable(self, request: Request) -> Response:
        from alliance_stats.instrument.export import export_instrument

        lang = request.query_params.get("doc_lang", request_lang(request))
        if lang not in ("fr", "en"):
            return self.refused(request, "app.err.not_found", 404)
        instrument = await run_in_threadpool(self.ws.instrument)
        payload = await run_in_threadpool(export_instrument, instrument, "html", lang)
        return Response(payload, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": DOCUMENT_CSP})

    async def power(self, request: Request) -> Response:
        from alliance_stats.app.plans import power_plan_from_form, write_plan
        from alliance_stats.power import load_power_plan

        form = await self.form(request)
        if form is None:
            return self.refused(request, "app.err.csrf", 403)
        lang = request_lang(request)
        if (job := self.jobs.running()) is not None:
            return self.busy(request, job)
        path = self.ws.new_plan_path("power")
        try:
            data = power_plan_from_form(self.ws.study, form, lang)
            write_plan(path, data, "power plan made by alliance-stats app from study/power.yaml")
            self.ws.write_record(path.with_suffix(".json"), {"display": tr("app.power.title", lang),
                                                              "source": "form"})
            await run_in_threadpool(load_power_plan, path)
        except AllianceStatsError as exc:
            return await self.survey(request, error=exc, status=400)
        reps, run_id = int(data["reps"]), new_run_id()

        def work(job: Job) -> None:
            from alliance_stats.power import run_power_plan

            run_power_plan(path, reps=reps, jobs=1, output=self.ws.runs / run_id, progress=job.count)
            job.advance("report")

        return self._started(request, run_id, "power", work)

    def _started(self, request: Request, run_id: str, kind: str, work: Any) -> Response:
        try:
            self.jobs.start(run_id, kind, work)
        except Busy as exc:
            return self.busy(request, exc.job)
        return RedirectResponse(f"/jobs/{run_id}", status_code=303)

    # -------------------------------------------------------------------------------------------- data

    async def data(self, request: Request) -> Response:
        return self.render(request, "data.html", nav="data", uploads=self.ws.list_uploads())

    async def _received_file(self, request: Request, folder: Path, types: Any, kind: str) -> Any:
        """The uploaded file of a form (streamed into ``folder`` under a server-chosen name), or the refusal:
        wrong type or size, missing CSRF token (the stored file is discarded), no file."""
        try:
            got = await receive_form(request, folder, "file", types, kind)
        except FormError as exc:
            return self.refused(request, exc.key, 415 if exc.key == "app.err.type" else 400, **exc.values)
        if not self.session.check_csrf(got.fields.get("csrf")):
            got.discard()
            return self.refused(request, "app.err.csrf", 403)
        if got.path is None or got.display_name is None:
            return self.refused(request, "app.err.no_file", 400)
        return got

    async def upload_data(self, request: Request) -> Response:
        got = await self._received_file(request, self.ws.uploads, DATA_TYPES, "data")
        if isinstance(got, Response):
            return got
        record = await run_in_threadpool(self.ws.register_upload, got.path, got.display_name)
        return RedirectResponse(f"/data/{record['id']}", status_code=303)

    async def example(self, request: Request) -> Response:
        if await self.form(request) is None:
            return self.refused(request, "app.err.csrf", 403)
        path = await run_in_threadpool(self.ws.add_example)
        record = await run_in_threadpool(self.ws.register_upload, path, "synthetic_responses.csv")
        return RedirectResponse(f"/data/{record['id']}", status_code=303)

    async def check(self, request: Request) -> Response:
        record = self.ws.upload(request.path_params["upload_id"])
        if record is None:
            return self.refused(request, "app.err.not_found", 404)
        return self.render(request, "check.html", nav="data", upload=record, check=record["check"],
                           shown=SHOWN_FINDINGS)

    async def check_json(self, request: Request) -> Response:
        record = self.ws.upload(request.path_params["upload_id"])
        if record is None:
            return self.refused(request, "app.err.not_found", 404)
        return JSONResponse(record["check"], headers={"content-disposition": _attachment("check.json")})

    # -------------------------------------------------------------------------------------------- plan

    async def plan(self, request: Request, error: AllianceStatsError | None = None, status: int = 200,
                   chosen: str | None = None) -> Response:
        from alliance_stats.app.plans import reference_plan

        ready = [u for u in self.ws.list_uploads() if u["check"].get("ok")]
        chosen = chosen or request.query_params.get("data") or (ready[0]["id"] if ready else None)
        reference = await run_in_threadpool(reference_plan, self.ws.study)
        return self.render(request, "plan.html", status=status, nav="plan", ready=ready, chosen=chosen,
                           ref=reference, error=error)

    def _checked_upload(self, upload_id: Any) -> dict[str, Any] | None:
        record = self.ws.upload(str(upload_id or ""))
        return record if record is not None and record["check"].get("ok") else None

    async def run_form(self, request: Request) -> Response:
        from alliance_stats.app.plans import plan_from_form, write_plan

        form = await self.form(request)
        if form is None:
            return self.refused(request, "app.err.csrf", 403)
        lang = request_lang(request)
        upload = self._checked_upload(form.get("data"))
        if upload is None:
            return self.refused(request, "app.plan.choose_data", 400)
        path = self.ws.new_plan_path()
        try:
            data = plan_from_form(self.ws.study, form, lang)
            write_plan(path, data, "plan made by alliance-stats app from study/plan.yaml")
        except AllianceStatsError as exc:
            return await self.plan(request, error=exc, status=400, chosen=upload["id"])
        display = f"plan.yaml ({data['language']}, {data['measurement']['estimator']}, " \
                  f"{', '.join(h['id'] for h in data['hypotheses']) or '-'})"
        self.ws.write_record(path.with_suffix(".json"), {"display": display, "source": "form"})
        return await self._run_plan(request, path, upload, display)

    async def upload_plan(self, request: Request) -> Response:
        got = await self._received_file(request, self.ws.plans, PLAN_TYPES, "plan")
        if isinstance(got, Response):
            return got
        upload = self._checked_upload(got.fields.get("data"))
        if upload is None:
            return self.refused(request, "app.plan.choose_data", 400)
        stored = got.path.with_suffix(".yaml")  # plan-<random>.yml and .yaml alike
        got.path.rename(stored)
        self.ws.write_record(stored.with_suffix(".json"), {"display": got.display_name, "source": "upload"})
        return await self._run_plan(request, stored, upload, got.display_name)

    async def _run_plan(self, request: Request, path: Path, upload: dict[str, Any], display: str) -> Response:
        from alliance_stats.app.plans import prepare_plan

        lang = request_lang(request)
        if (job := self.jobs.running()) is not None:
            return self.busy(request, job)
        try:
            plan = await run_in_threadpool(prepare_plan, self.ws, path, self.ws.upload_path(upload),
                                           bool(upload.get("synthetic")), display, lang)
        except AllianceStatsError as exc:
            return await self.plan(request, error=exc, status=400, chosen=upload["id"])
        run_id = new_run_id()

        def work(job: Job) -> None:
            from alliance_stats.plan import run_plan

            run_plan(plan, output=self.ws.runs / run_id, lang=plan.language, progress=job.advance,
                     data_name=str(upload.get("display") or "") or None)

        return self._started(request, run_id, "plan", work)

    # -------------------------------------------------------------------------------------------- jobs

    async def job(self, request: Request) -> Response:
        job = self.jobs.get(request.path_params["job_id"])
        if job is None:
            return self.refused(request, "app.job.unknown", 404)
        return self.render(request, "job.html", nav="runs", job=job, state=job.status(request_lang(request)))

    async def job_status(self, request: Request) -> Response:
        job = self.jobs.get(request.path_params["job_id"])
        if job is None:
            return JSONResponse({"error": "unknown"}, status_code=404)
        return JSONResponse(job.status(request_lang(request)))

    # -------------------------------------------------------------------------------------------- runs

    async def runs(self, request: Request) -> Response:
        return self.render(request, "runs.html", nav="runs", runs=self.ws.list_runs(request_lang(request)))

    async def run(self, request: Request) -> Response:
        run_id = request.path_params["run_id"]
        summary = self.ws.run_summary(run_id, request_lang(request))
        if summary is None:
            return self.refused(request, "app.err.not_found", 404)
        listed = self.ws.run_files(run_id)
        groups = {"tables": [f for f in listed if f.startswith("tables/") and f.endswith((".csv", ".tex"))],
                  "figures": [f for f in listed if f.startswith("figures/")],
                  "other": [f for f in listed if "/" not in f and f not in ("report.docx", "report.html")]}
        return self.render(request, "run.html", nav="runs", run=summary, groups=groups,
                           has_docx="report.docx" in listed, has_html="report.html" in listed)

    async def view(self, request: Request) -> Response:
        path = self.ws.run_file(request.path_params["run_id"], "report.html")
        if path is None:
            return self.refused(request, "app.err.not_found", 404)
        return Response(path.read_bytes(), media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": DOCUMENT_CSP})

    async def download(self, request: Request) -> Response:
        run_id, relative = request.path_params["run_id"], request.path_params["path"]
        path = self.ws.run_file(run_id, relative)
        if path is None:
            return self.refused(request, "app.err.not_found", 404)
        return Response(path.read_bytes(), media_type="application/octet-stream",
                        headers={"content-disposition": _attachment(f"{run_id}_{path.name}")})

    async def zip(self, request: Request) -> Response:
        run_id = request.path_params["run_id"]
        if self.ws.run_dir(run_id) is None:
            return self.refused(request, "app.err.not_found", 404)

        def build() -> bytes:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for relative in self.ws.run_files(run_id):
                    path = self.ws.run_file(run_id, relative)
                    if path is not None:
                        archive.write(path, f"{run_id}/{relative}")
            return buffer.getvalue()

        payload = await run_in_threadpool(build)
        return Response(payload, media_type="application/zip",
                        headers={"content-disposition": _attachment(f"{run_id}.zip")})


async def _too_large(request: Request, exc: Exception) -> Response:
    lang = request_lang(request)
    text = tr("app.err.too_large", lang).format(mb=request.app.state.max_upload_mb)
    return HTMLResponse(f"<!DOCTYPE html><meta charset=utf-8><title>413</title><p>{_escape(text)}</p>",
                        status_code=413, headers={"connection": "close"})


async def _user_error(request: Request, exc: Exception) -> Response:
    """A typed error outside a form's own handling (the study's instrument was edited into a mistake): the page
    says where and how to fix it, the server stays up."""
    assert isinstance(exc, AllianceStatsError)
    where = exc.location()
    return request.app.state.pages.error(request, 400, f"{where}: {exc.message}" if where else exc.message, exc.fix)


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def create_app(workspace: str | Path, session: Session, max_upload_mb: int = 200) -> Any:
    """The ASGI application of the local web page for one workspace.

    Parameters
    ----------
    workspace
        The workspace folder (prepared: study folder, uploads, plans, runs).
    session
        The session token and port (:class:`~alliance_stats.app.security.Session`).
    max_upload_mb
        Largest request body, in MB (uploads above it are refused with 413).

    Returns
    -------
    Guard
        The application behind its guard (Host check, token, size limit, security headers).

    Examples
    --------
    >>> import tempfile
    >>> from starlette.testclient import TestClient
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     client = TestClient(create_app(folder, Session(port=8765, token="t")),
    ...                         base_url="http://127.0.0.1:8765")
    ...     client.get("/").status_code, client.get("/?token=t").status_code
    (403, 200)
    """
    ws = Workspace(Path(workspace))
    ws.prepare()
    pages = Pages(ws, session, max_upload_mb)
    routes = [
        Route("/", pages.home),
        Route("/static/{name}", pages.static),
        Route("/survey", pages.survey),
        Route("/survey/export", pages.export),
        Route("/survey/printable", pages.printable),
        Route("/power", pages.power, methods=["POST"]),
        Route("/data", pages.data),
        Route("/data/upload", pages.upload_data, methods=["POST"]),
        Route("/data/example", pages.example, methods=["POST"]),
        Route("/data/{upload_id}", pages.check),
        Route("/data/{upload_id}/check.json", pages.check_json),
        Route("/plan", pages.plan),
        Route("/plan/run", pages.run_form, methods=["POST"]),
        Route("/plan/upload", pages.upload_plan, methods=["POST"]),
        Route("/jobs/{job_id}", pages.job),
        Route("/jobs/{job_id}/status", pages.job_status),
        Route("/runs", pages.runs),
        Route("/runs/{run_id}", pages.run),
        Route("/runs/{run_id}/view/report.html", pages.view),
        Route("/runs/{run_id}/files/{path:path}", pages.download),
        Route("/runs/{run_id}/zip", pages.zip),
    ]
    app = Starlette(routes=routes, exception_handlers={BodyTooLarge: _too_large,
                                                            AllianceStatsError: _user_error})
    app.state.max_upload_mb = max_upload_mb
    app.state.pages = pages
    return Guard(app, session, max_body=max_upload_mb * 2**20)
