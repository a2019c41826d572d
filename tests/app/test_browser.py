"""The whole path of a researcher in a real browser (Playwright driving Debian's chromium), against the server
as ``alliance-stats app`` runs it (uvicorn in a thread, a workspace in a temporary folder).

Open the page with the token, download the XLSForm (pyxform converts it), upload the bundled synthetic data, see
the check pass, run the plan in French, see its progress, open the report and find Table 1, download report.docx
(python-docx opens it); upload a file with planted errors, see each error row and no run button; requests
without the token, with a foreign Host header, or with ``../`` in a download path are refused. With
``ALLIANCE_STATS_SCREENSHOT=1`` the test saves the report page as ``docs/app.png``.
"""

from __future__ import annotations

import http.client
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import PERSONAL

CHROMIUM = Path("/usr/bin/chromium")
DOCS = Path(__file__).resolve().parents[2] / "docs"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium): "
                                                     "`make browser` installs it; the browser test is skipped"),
]


@pytest.fixture
def server(tmp_path: Path) -> Any:
    """The app served by uvicorn on a free port of 127.0.0.1, in a thread; stopped at the end."""
    import uvicorn

    from alliance_stats.app import Session, create_app
    from alliance_stats.app.launcher import free_port
    from tests.run_helpers import cheap_counts

    session = Session(port=free_port())
    app = create_app(tmp_path / "ws", session)
    # the run's claim here is the page's handling of it, not its numbers: the cheap replicate counts
    # and no CFA-based reviewer's checks (as tests/run_helpers.py's CHEAP)
    plan = app.app.state.pages.ws.study / "plan.yaml"
    plan.write_text(cheap_counts(plan.read_text(encoding="utf-8"), cmv_nesting=False), encoding="utf-8")
    config = uvicorn.Config(app, host="127.0.0.1", port=session.port, log_level="warning", access_log=False)
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(1200):  # up to about a minute
        if instance.started or not thread.is_alive():
            break
        time.sleep(0.05)
    assert instance.started, "the server did not start"
    yield {"session": session, "ws": app.app.state.pages.ws, "pages": app.app.state.pages}
    instance.should_exit = True
    thread.join(30)


@pytest.fixture
def browser() -> Any:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield launched
        launched.close()


def _progress_seen(page: Any, timeout: float = 900) -> list[float]:
    """The values the progress bar took, polled until the run ends (the page then shows the report link)."""
    seen: list[float] = []
    for _ in range(int(timeout / 0.25)):  # polls, not a timing
        if page.locator("#open-report").is_visible() or page.locator("#failure").is_visible():
            return seen
        value = page.locator("#progress").get_attribute("value")
        if value is not None and (not seen or float(value) != seen[-1]):
            seen.append(float(value))
        time.sleep(0.25)
    raise AssertionError(f"the run did not end within {timeout} s (progress seen: {seen})")


def _raw_get(port: int, path: str, host: str, cookie: str | None) -> int:
    """A GET sent as written (no URL normalisation), with a chosen Host header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
    connection.request("GET", path, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_a_researcher_goes_from_the_instrument_to_a_word_report(server, browser, tmp_path, planted_csv):
    from docx import Document
    from pyxform.xls2xform import convert

    from alliance_stats.plan.templates import template

    session = server["session"]
    context = browser.new_context(locale="fr-FR", accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)

    # open with the token: the cookie replaces it, the page is French (the browser prefers French)
    page.goto(session.url())
    assert "?token" not in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Quatre étapes" in page.inner_text("main")

    # 1. the survey: the XLSForm is one click, and pyxform converts it
    page.click("text=1. Questionnaire")
    with page.expect_download() as info:
        page.click("#export-xlsform")
    xlsform = tmp_path / "survey.xlsx"
    info.value.save_as(xlsform)
    assert "<h:html" in convert(xlsform=str(xlsform)).xform

    # 2. the data: upload the bundled synthetic responses, the check passes
    page.click("text=2. Données")
    page.set_input_files("#file", str(template("data/synthetic_responses.csv")))
    page.click("#upload")
    assert "La vérification est réussie" in page.inner_text("#verdict")

    # 3. the plan, in French, in the background with its progress
    page.click("#to-plan")
    assert page.locator("#language").input_value() == "fr"
    page.click("#run-plan")
    page.wait_for_selector("#progress")
    seen = _progress_seen(page)
    assert seen and max(seen) > 0 and min(seen) < 1, seen  # the bar moved while the run was going
    assert page.locator("#stages li.done").count() >= 1  # stages done are ticked as the run goes
    page.wait_for_selector("#open-report", state="visible", timeout=900_000)

    # 4. the report in the page, Table 1 inside, and report.docx
    page.click("#open-report")
    frame = page.frame_locator("#report-frame")
    assert "Tableau 1" in frame.locator("body").inner_text(timeout=60_000)
    if os.environ.get("ALLIANCE_STATS_SCREENSHOT"):
        page.screenshot(path=str(DOCS / "app.png"))
    with page.expect_download() as info:
        page.click("#download-docx")
    docx_path = tmp_path / "report.docx"
    info.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert "Tableau 1" in text

    # a file with planted errors: each error row in the table, no way to run it
    planted = tmp_path / "réponses_avec_erreurs.csv"
    planted.write_bytes(planted_csv)
    page.click("text=2. Données")
    page.set_input_files("#file", str(planted))
    page.click("#upload")
    assert "contient des erreurs" in page.inner_text("#verdict")
    rows = page.locator("#errors tbody tr").all_inner_texts()
    for row, column in (("3", "LINK_1"), ("5", "role"), ("8", "resp_id")):
        assert any(r.split("\t")[0] == row and r.split("\t")[2] == column for r in rows), (row, column, rows)
    assert page.locator("#to-plan").count() == 0
    header = page.locator("#errors thead th").nth(2)  # "Colonne": sorting with the keyboard
    header.locator("button").focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "ascending"
    columns = [r.split("\t")[2] for r in page.locator("#errors tbody tr").all_inner_texts()]
    assert columns == sorted(columns, key=str.lower)
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") == "descending"
    assert not any(value in page.content() for value in PERSONAL.values())

    # requests without the token, with a foreign Host header, or with ../ in a download path are refused
    cookie = next(c for c in context.cookies() if c["name"] == session.cookie_name)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    jar = f"{cookie['name']}={cookie['value']}"
    stranger = browser.new_context()
    assert stranger.new_page().goto(f"http://127.0.0.1:{session.port}/").status == 403
    stranger.close()
    port, host = session.port, f"127.0.0.1:{session.port}"
    run_id = server["ws"].list_runs("fr")[0]["id"]
    assert _raw_get(port, f"/runs/{run_id}/files/report.docx", host, jar) == 200
    assert _raw_get(port, f"/runs/{run_id}/files/report.docx", f"evil.example:{port}", jar) == 403
    assert _raw_get(port, f"/runs/{run_id}/files/report.docx", host, None) == 403
    assert _raw_get(port, f"/runs/{run_id}/files/../../../study/plan.yaml", host, jar) == 404
    assert _raw_get(port, f"/runs/{run_id}/files/..%2f..%2fstudy%2fplan.yaml", host, jar) == 404
    page.goto(f"http://127.0.0.1:{port}/runs/{run_id}/files/..%2f..%2fstudy%2fplan.yaml")
    assert "Introuvable" in page.inner_text("body")
    context.close()
