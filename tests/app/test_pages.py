"""The pages of the local web page: survey and exports, data check, plan form and plan YAML, background runs."""

from __future__ import annotations

import html
import re
import threading
import time
from typing import Any

import pytest

from alliance_stats.core.errors import DataError
from tests.app.conftest import PERSONAL


def _example(app_parts: dict[str, Any]) -> str:
    """Upload the bundled synthetic data (the page's button); return the upload id."""
    response = app_parts["client"].post("/data/example", data={"csrf": app_parts["session"].csrf()})
    assert response.status_code == 303
    return response.headers["location"].rsplit("/", 1)[1]


def _plan_form(app_parts: dict[str, Any], upload_id: str, **changes: Any) -> dict[str, Any]:
    form = {"csrf": app_parts["session"].csrf(), "data": upload_id, "language": "fr", "estimator": "ML",
            "fail_attention": "on", "max_longstring": "20", "min_irv": "", "mahalanobis_p": "0,001",
            "max_missing_share": "0.5", "cut": "midpoint", "hypotheses": ["H1", "H2", "H3", "H4", "H5"]}
    form.update(changes)
    return form


def _wait(app_parts: dict[str, Any], job_id: str, timeout: float = 900) -> dict[str, Any]:
    client, seen = app_parts["client"], []
    for _ in range(int(timeout / 0.2)):  # polls, not a timing: the run's speed is not tested here
        status = client.get(f"/jobs/{job_id}/status").json()
        if not seen or seen[-1] != status["stage"]:
            seen.append(status["stage"])
        if status["state"] != "running":
            return {**status, "seen": seen}
        time.sleep(0.2)
    raise AssertionError(f"the run {job_id} did not end within {timeout} s")


# ----------------------------------------------------------------------------------------- language


def test_the_page_is_french_when_the_browser_prefers_french_and_switches(app_parts):
    client = app_parts["client"]
    assert "Vérifier les données" in client.get("/data", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"}).text
    assert "Check the data" in client.get("/data", headers={"accept-language": "en-GB,fr;q=0.5"}).text
    switched = client.get("/data?lang=fr", headers={"accept-language": "en"})
    assert '<html lang="fr">' in switched.text and "alliance_stats_lang=fr" in switched.headers["set-cookie"]
    assert '<html lang="fr">' in client.get("/runs", headers={"accept-language": "en"}).text  # the choice stays


def test_every_form_field_has_a_label(app_parts):
    client = app_parts["client"]
    _example(app_parts)
    for path in ("/survey", "/data", "/plan"):
        page = client.get(path).text
        ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', page)
        labelled = set(re.findall(r'<label for="([^"]+)"', page))
        assert ids and set(ids) <= labelled, (path, set(ids) - labelled)
        assert not re.search(r'<(?:input|select)(?![^>]*type="hidden")(?![^>]*\sid=)[^>]*>', page), path


# ------------------------------------------------------------------------------------------- survey


def test_the_survey_page_shows_constructs_items_and_the_printable_questionnaire(app_parts):
    client = app_parts["client"]
    page = client.get("/survey?lang=fr").text
    assert "LINK_1" in page and "SYM_1" in page and "(inversé)" in page
    printable = client.get("/survey/printable?doc_lang=fr")
    assert printable.status_code == 200 and "seulement si" in printable.text.lower()  # the skip logic, printed
    assert printable.headers["content-security-policy"].startswith("sandbox;")


def test_a_mistake_in_the_study_instrument_is_shown_with_its_fix_and_the_server_stays_up(app_parts):
    study = app_parts["ws"].study / "alliance_startup.yaml"
    study.write_text(study.read_text(encoding="utf-8") + "\nextra: [unclosed\n", encoding="utf-8")
    response = app_parts["client"].get("/survey")
    assert response.status_code == 400 and "alliance_startup.yaml" in response.text and "line" in response.text
    assert app_parts["client"].get("/runs").status_code == 200


def test_the_forms_take_their_defaults_from_the_study_files_even_when_keys_are_missing(app_parts):
    ws = app_parts["ws"]
    (ws.study / "power.yaml").write_text("confirmatory: plan.yaml\n", encoding="utf-8")
    plan = (ws.study / "plan.yaml").read_text(encoding="utf-8")
    (ws.study / "plan.yaml").write_text(plan.split("\nexclusions:")[0] + "\n", encoding="utf-8")
    _example(app_parts)
    assert app_parts["client"].get("/survey").status_code == 200
    assert app_parts["client"].get("/plan").status_code == 200


@pytest.mark.parametrize("fmt", ["xlsform", "limesurvey", "sav", "codebook-csv", "codebook-json", "html", "markdown"])
def test_each_export_is_one_download(app_parts, fmt):
    response = app_parts["client"].get(f"/survey/export?fmt={fmt}&export_lang=both")
    assert response.status_code == 200 and len(response.content) > 500
    assert response.headers["content-disposition"].startswith("attachment;")


def test_the_xlsform_download_converts_with_pyxform(app_parts, tmp_path):
    from pyxform.xls2xform import convert

    path = tmp_path / "survey.xlsx"
    path.write_bytes(app_parts["client"].get("/survey/export?fmt=xlsform&export_lang=both").content)
    assert "<h:html" in convert(xlsform=str(path)).xform


@pytest.mark.parametrize("query", ["fmt=exe", "fmt=xlsform&export_lang=de", "fmt=../../study/plan.yaml", ""])
def test_an_unknown_export_is_refused(app_parts, query):
    assert app_parts["client"].get(f"/survey/export?{query}").status_code == 404


def test_a_power_form_with_a_bad_number_names_the_field_and_starts_nothing(app_parts):
    client = app_parts["client"]
    response = client.post("/power", data={"csrf": app_parts["session"].csrf(), "reps": "beaucoup", "lang": "fr"},
                           headers={"accept-language": "fr"})
    assert response.status_code == 400
    assert "« beaucoup » n'est pas un nombre (Réplications par N)" in html.unescape(response.text)
    assert app_parts["pages"].jobs.running() is None


def test_a_power_grid_the_plan_refuses_is_shown_with_its_fix(app_parts):
    response = app_parts["client"].post("/power", data={"csrf": app_parts["session"].csrf(), "n_dyads": "8, 40"})
    assert response.status_code == 400
    assert "too small to form dyads of every configuration" in response.text and "use N &gt;= 20" in response.text


# --------------------------------------------------------------------------------------------- data


def test_the_bundled_synthetic_data_pass_the_check_and_lead_to_the_plan(app_parts):
    upload_id = _example(app_parts)
    page = app_parts["client"].get(f"/data/{upload_id}").text
    assert "The check passed" in page and f'href="/plan?data={upload_id}"' in page
    record = app_parts["ws"].upload(upload_id)
    assert record["synthetic"] and record["check"]["ok"] and record["check"]["n_rows"] == 600


def test_a_french_excel_csv_passes_the_check(app_parts):
    """Semicolons, decimal commas and Windows-1252, as a French Excel saves a CSV."""
    import pandas as pd

    from alliance_stats.plan.templates import template

    frame = pd.read_csv(template("data/synthetic_responses.csv"))
    payload = frame.to_csv(sep=";", decimal=",", index=False).encode("cp1252")
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    response = client.post("/data/upload", files={"file": ("réponses excel.csv", payload)}, data={"csrf": csrf})
    page = client.get(response.headers["location"]).text
    assert "The check passed" in page, page[page.find("verdict"):][:500]


@pytest.mark.parametrize("fmt", ["xlsx", "sav", "dta"])
def test_excel_spss_and_stata_files_are_checked_too(app_parts, tmp_path, fmt):
    import pandas as pd
    import pyreadstat

    from alliance_stats.plan.templates import template

    frame = pd.read_csv(template("data/synthetic_responses.csv")).head(60)
    path = tmp_path / f"responses.{fmt}"
    if fmt == "xlsx":
        frame.to_excel(path, index=False, sheet_name="responses")
    elif fmt == "sav":
        pyreadstat.write_sav(frame, str(path))
    else:
        pyreadstat.write_dta(frame, str(path))
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    response = client.post("/data/upload", files={"file": (path.name, path.read_bytes())}, data={"csrf": csrf})
    record = app_parts["ws"].upload(response.headers["location"].rsplit("/", 1)[1])
    assert record["stored"].endswith(f".{fmt}") and not record["check"]["read_error"]
    assert record["check"]["n_rows"] == 60


def test_a_file_with_planted_errors_lists_each_error_row_and_cannot_be_analysed(app_parts, planted_csv):
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    response = client.post("/data/upload", files={"file": ("réponses.csv", planted_csv)}, data={"csrf": csrf})
    page = client.get(response.headers["location"]).text
    assert "cannot be analysed" in page and "/plan?data=" not in page
    errors = page.split('id="errors"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="finding"><td>(\d*)</td><td>[^<]*</td><td>([^<]*)</td>', errors)
    assert ("3", "LINK_1") in rows and ("5", "role") in rows and ("8", "resp_id") in rows
    for text in PERSONAL.values():
        assert text not in page  # personal identifiers never reach a page
    plan = client.get("/plan").text
    assert 'id="run-plan"' not in plan and 'id="no-data"' in plan
    upload_id = response.headers["location"].rsplit("/", 1)[1]
    refused = client.post("/plan/run", data=_plan_form(app_parts, upload_id))
    assert refused.status_code == 400 and app_parts["pages"].jobs.running() is None


def test_an_unreadable_file_says_why(app_parts):
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    response = client.post("/data/upload", files={"file": ("r.xlsx", b"not a workbook")}, data={"csrf": csrf})
    page = client.get(response.headers["location"]).text
    assert "could not be read" in page and "r.xlsx" in page and "/plan?data=" not in page


def test_an_unknown_upload_is_not_found(app_parts):
    for path in ("/data/data-0000000000000000", "/data/..%2f..%2fstudy", "/data/data-zz/check.json"):
        assert app_parts["client"].get(path).status_code == 404


# --------------------------------------------------------------------------------------------- plan


def test_an_uploaded_plan_with_a_mistake_shows_its_line_and_starts_nothing(app_parts):
    upload_id = _example(app_parts)
    plan = (app_parts["ws"].study / "plan.yaml").read_text(encoding="utf-8")
    bad = plan.replace("  estimator: ML", "  estimator: OLS", 1)
    line = bad.splitlines().index(next(x for x in bad.splitlines() if "estimator: OLS" in x)) + 1
    response = app_parts["client"].post("/plan/upload", files={"file": ("mon <plan>.yaml", bad.encode())},
                                        data={"csrf": app_parts["session"].csrf(), "data": upload_id})
    assert response.status_code == 400
    assert f"mon &lt;plan&gt;.yaml, line {line}" in response.text and "estimator" in response.text
    assert app_parts["pages"].jobs.running() is None


def test_an_uploaded_plan_that_is_not_yaml_shows_its_line(app_parts):
    upload_id = _example(app_parts)
    response = app_parts["client"].post("/plan/upload", files={"file": ("p.yml", b"title: {fr: a\nseed: [1\n")},
                                        data={"csrf": app_parts["session"].csrf(), "data": upload_id})
    assert response.status_code == 400 and "not valid YAML" in response.text and ", line " in response.text


def test_an_uploaded_plan_naming_a_file_outside_the_workspace_is_refused(app_parts):
    upload_id = _example(app_parts)
    plan = (app_parts["ws"].study / "plan.yaml").read_text(encoding="utf-8")
    bad = plan.replace("instrument: alliance_startup.yaml", "instrument: /etc/hostname", 1)
    assert bad != plan
    response = app_parts["client"].post("/plan/upload", files={"file": ("p.yaml", bad.encode())},
                                        data={"csrf": app_parts["session"].csrf(), "data": upload_id})
    assert response.status_code == 400 and "outside the workspace" in response.text


def test_an_uploaded_plan_is_read_from_the_study_folder_and_runs_on_the_checked_upload(app_parts):
    from alliance_stats.app.plans import prepare_plan

    ws = app_parts["ws"]
    upload = ws.upload(_example(app_parts))
    stored = ws.plans / "plan-0123456789abcdef.yaml"
    stored.write_bytes((ws.study / "plan.yaml").read_bytes())
    plan = prepare_plan(ws, stored, ws.upload_path(upload), True, "my plan.yaml")
    assert plan.path == stored.resolve() and plan.resolve(plan.data) == ws.upload_path(upload)
    assert plan.synthetic and ws.contains(plan.resolve(plan.instrument))
    assert plan.resolve(plan.instrument) == (ws.study / "alliance_startup.yaml").resolve()
    assert stored.read_bytes() == (ws.study / "plan.yaml").read_bytes()  # the uploaded file is not modified


def test_a_plan_form_with_a_bad_value_names_it(app_parts):
    upload_id = _example(app_parts)
    response = app_parts["client"].post("/plan/run", data=_plan_form(app_parts, upload_id, max_longstring="vingt"))
    assert response.status_code == 400 and "vingt" in response.text
    response = app_parts["client"].post("/plan/run", data=_plan_form(app_parts, upload_id, estimator="OLS"))
    assert response.status_code == 400 and "ML / MLR / MLM" in response.text


def test_the_plan_form_writes_the_reference_plan_with_the_choices(app_parts):
    from alliance_stats.app.plans import plan_from_form, reference_plan

    class Form(dict):
        def getlist(self, key):
            value = self.get(key, [])
            return value if isinstance(value, list) else [value]

    study = app_parts["ws"].study
    data = plan_from_form(study, Form(_plan_form(app_parts, "x", estimator="MLR", cut="median", min_irv="0,5",
                                                 hypotheses=["H2"], fail_attention=None)), "fr")
    reference = reference_plan(study)
    assert data["measurement"]["estimator"] == "MLR" and data["typology"]["cut"] == "median"
    assert data["exclusions"] == {**reference["exclusions"], "min_irv": 0.5, "fail_attention": False}
    assert [h["id"] for h in data["hypotheses"]] == ["H2"] and data["models"] == reference["models"]


# --------------------------------------------------------------------------------------------- runs


def test_a_second_run_while_one_is_going_is_refused_with_a_message(app_parts):
    pages, release = app_parts["pages"], threading.Event()
    pages.jobs.start("20261205-101500-0001", "plan", lambda job: release.wait(30))
    try:
        upload_id = _example(app_parts)
        response = app_parts["client"].post("/plan/run", data=_plan_form(app_parts, upload_id))
        assert response.status_code == 409 and "one at a time" in response.text
        response = app_parts["client"].post("/power", data={"csrf": app_parts["session"].csrf()})
        assert response.status_code == 409
        assert 'href="/jobs/20261205-101500-0001"' in app_parts["client"].get("/").text
    finally:
        release.set()
    assert pages.jobs.wait("20261205-101500-0001", 30).state == "done"
    assert not list(app_parts["ws"].runs.iterdir())  # nothing started besides the first


def test_a_failing_run_leaves_the_server_up_and_shows_what_failed_with_its_fix(app_parts):
    pages, client = app_parts["pages"], app_parts["client"]

    def typed(job):
        job.advance("read")
        raise DataError("code 8 is outside the 1-7 scale", file="r.csv", row=3, column="LINK_1", value=8,
                        fix="recode the answer")

    pages.jobs.start("20261205-101500-0002", "plan", typed)
    pages.jobs.wait("20261205-101500-0002", 30)
    status = client.get("/jobs/20261205-101500-0002/status").json()
    assert status["state"] == "failed" and status["error"]["fix"] == "recode the answer"
    assert [s["state"] for s in status["stages"]][:3] == ["done", "failed", "waiting"]
    page = client.get("/jobs/20261205-101500-0002").text
    assert "r.csv, row 3, column LINK_1" in page and "recode the answer" in page

    def crash(job):
        raise ZeroDivisionError("division by zero")

    pages.jobs.start("20261205-101500-0003", "plan", crash)
    pages.jobs.wait("20261205-101500-0003", 30)
    page = client.get("/jobs/20261205-101500-0003").text
    assert "internal error (ZeroDivisionError)" in page
    assert client.get("/").status_code == 200 and pages.jobs.running() is None


def test_an_unknown_job_is_not_found(app_parts):
    assert app_parts["client"].get("/jobs/20261205-101500-9999").status_code == 404
    assert app_parts["client"].get("/jobs/nope/status").status_code == 404


@pytest.mark.slow
def test_the_plan_runs_in_the_background_stage_by_stage_into_a_listed_run_folder(app_parts, cheap_study):
    """One full run of the packaged plan (cheap replicate counts) on the bundled data: progress, folder, listing,
    report."""
    client = app_parts["client"]
    upload_id = _example(app_parts)
    response = client.post("/plan/run", data=_plan_form(app_parts, upload_id, language="en", hypotheses=["H1", "H3"]))
    assert response.status_code == 303
    job_id = response.headers["location"].rsplit("/", 1)[1]
    status = _wait(app_parts, job_id)
    assert status["state"] == "done", status["error"]
    assert status["seen"][-1] == "done" and set(status["seen"]) <= {"start", "read", "measurement", "typology",
                                                                     "models", "checks", "report", "done"}
    listing = client.get("/runs").text
    assert f'href="/runs/{job_id}"' in listing and "synthetic_responses.csv" in listing and "H1, H3" in listing
    page = client.get(f"/runs/{job_id}").text
    assert "report.docx" in page and "tables/table01_sample.csv" in page and "tables/table01_sample.tex" in page
    report = client.get(f"/runs/{job_id}/view/report.html").text
    assert "Table 1" in report and "SYNTHETIC" in report.upper()
    # the report and the provenance name the file as the user gave it, not by its server-chosen stored name
    assert "Data: synthetic_responses.csv" in report
    provenance = client.get(f"/runs/{job_id}/files/provenance.json").json()
    assert provenance["inputs"]["data"]["file"] == "synthetic_responses.csv"
    assert not [p for p in app_parts["ws"].runs.iterdir() if p.name.startswith(".")]  # no temporary folder left


@pytest.mark.slow
def test_a_small_power_run_reports_its_progress_and_ends_in_the_power_table(app_parts):
    client = app_parts["client"]
    response = client.post("/power", data={"csrf": app_parts["session"].csrf(), "n_dyads": "40, 80", "reps": "4"})
    assert response.status_code == 303
    job_id = response.headers["location"].rsplit("/", 1)[1]
    status = _wait(app_parts, job_id)
    assert status["state"] == "done", status["error"]
    assert "simulate" in status["seen"]
    report = client.get(f"/runs/{job_id}/view/report.html").text
    assert "Simulated power by number of dyads" in report and "figure" in report.lower()
