"""The guard of the local web page: token, Host header, CSRF, upload limits, contained downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import PORT, TOKEN

POST_ROUTES = ["/power", "/data/example", "/plan/run"]
MULTIPART_ROUTES = ["/data/upload", "/plan/upload"]


def _fake_run(ws: Any, run_id: str = "20261205-101500-3fa2") -> Path:
    """A finished run folder as the runners leave it (provenance, a report, a table), without computing one."""
    folder = ws.runs / run_id
    (folder / "tables").mkdir(parents=True)
    (folder / "provenance.json").write_text(json.dumps({"tool": "alliance-stats", "kind": "run", "time": "2026-12-05",
                                                        "inputs": {}, "language": "en"}))
    (folder / "report.html").write_text("<!DOCTYPE html><title>r</title><p>Table 1. Sample</p>")
    (folder / "tables" / "table01_sample.csv").write_text("a,b\n1,2\n")
    return folder


# ------------------------------------------------------------------------------------------- the token


def test_a_request_without_the_token_is_refused(app_parts):
    for path in ("/", "/survey", "/data", "/plan", "/runs", "/static/app.js", "/survey/export?fmt=xlsform"):
        response = app_parts["anonymous"].get(path)
        assert response.status_code == 403, path
        assert "token" in response.text


def test_a_wrong_token_is_refused_in_the_query_and_in_the_cookie(app_parts):
    anonymous = app_parts["anonymous"]
    assert anonymous.get("/?token=wrong").status_code == 403
    anonymous.cookies.set(f"alliance_stats_token_{PORT}", "wrong")
    assert anonymous.get("/").status_code == 403
    anonymous.cookies.set(f"alliance_stats_token_{PORT + 1}", TOKEN)  # another server's cookie name
    assert anonymous.get("/").status_code == 403


def test_the_token_moves_from_the_address_to_a_strict_http_only_cookie(app_parts):
    response = app_parts["anonymous"].get(f"/data?lang=fr&token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"] == "/data?lang=fr"  # the token leaves the address
    cookie = response.headers["set-cookie"]
    assert f"alliance_stats_token_{PORT}={TOKEN}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert response.headers["referrer-policy"] == "no-referrer"
    assert app_parts["anonymous"].get("/data").status_code == 200  # the client now holds the cookie


@pytest.mark.parametrize("path", ["//evil.example/x", "/data%0d%0aSet-Cookie:%20a=b"])
def test_the_first_visit_redirects_to_this_server_only(app_parts, path):
    response = app_parts["anonymous"].get(f"{path}?token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/") and not response.headers["location"].startswith("//")
    assert "\n" not in response.headers["location"] and "a=b" not in response.headers["set-cookie"]


@pytest.mark.parametrize("host", ["evil.example:8765", "127.0.0.1", "localhost:8766", "127.0.0.1.evil.example:8765",
                                  ""])
def test_a_foreign_host_header_is_refused_even_with_the_token(app_parts, host):
    response = app_parts["client"].get("/", headers={"host": host})
    assert response.status_code == 403
    assert "localhost" in response.text


@pytest.mark.parametrize("host", ["localhost:8765", "127.0.0.1:8765", "[::1]:8765"])
def test_the_loopback_names_with_the_port_are_accepted(app_parts, host):
    assert app_parts["client"].get("/", headers={"host": host}).status_code == 200


def test_pages_carry_a_content_security_policy_without_inline_script(app_parts):
    response = app_parts["client"].get("/survey")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in response.text  # the one script is a file of the package


# -------------------------------------------------------------------------------------------- the CSRF


@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_post_form_without_its_csrf_token_is_refused(app_parts, route):
    client = app_parts["client"]
    assert client.post(route, data={"language": "fr"}).status_code == 403
    assert client.post(route, data={"csrf": "0" * 64}).status_code == 403
    csrf = app_parts["session"].csrf()  # the right token, but in a multipart body (files would spool to /tmp)
    assert client.post(route, data={"csrf": csrf}, files={"file": ("a.csv", b"x")}).status_code == 403


@pytest.mark.parametrize("route", MULTIPART_ROUTES)
def test_an_upload_without_its_csrf_token_is_refused_and_not_kept(app_parts, route):
    ws = app_parts["ws"]
    before = sorted(p.name for p in (*ws.uploads.iterdir(), *ws.plans.iterdir()))
    name = "r.csv" if route == "/data/upload" else "plan.yaml"
    response = app_parts["client"].post(route, files={"file": (name, b"a,b\n1,2\n")}, data={"csrf": "nope"})
    assert response.status_code == 403
    assert sorted(p.name for p in (*ws.uploads.iterdir(), *ws.plans.iterdir())) == before


def test_a_get_never_changes_the_workspace(app_parts):
    ws = app_parts["ws"]
    assert app_parts["client"].get("/data/example").status_code in (404, 405)
    assert app_parts["client"].get("/plan/run").status_code == 405
    assert not list(ws.uploads.iterdir())


# ------------------------------------------------------------------------------------------- uploads


def test_an_upload_without_a_file_is_refused(app_parts):
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    response = client.post("/data/upload", files={"file": ("", b"")}, data={"csrf": csrf})
    assert response.status_code == 400
    assert "No file" in response.text


def test_a_file_of_the_wrong_type_is_refused_and_not_kept(app_parts):
    client, csrf, ws = app_parts["client"], app_parts["session"].csrf(), app_parts["ws"]
    response = client.post("/data/upload", files={"file": ("report.exe", b"MZ\x90\x00")}, data={"csrf": csrf})
    assert response.status_code == 415
    assert ".exe" in response.text and ".csv" in response.text
    assert not list(ws.uploads.iterdir())
    response = client.post("/plan/upload", files={"file": ("plan.txt", b"a: 1")}, data={"csrf": csrf})
    assert response.status_code == 415


def test_a_body_announced_larger_than_the_limit_is_refused_before_it_is_read(app_parts):
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    payload = b"x" * (2**20 + 10)
    response = client.post("/data/upload", files={"file": ("big.csv", payload)}, data={"csrf": csrf})
    assert response.status_code == 413
    assert "1 MB" in response.text
    assert not list(app_parts["ws"].uploads.iterdir())


def test_a_streamed_body_past_the_limit_is_refused_and_leaves_no_partial_file(app_parts):
    """No Content-Length (chunked upload): the guard counts the bytes as they arrive."""
    client, csrf = app_parts["client"], app_parts["session"].csrf()
    head = (b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + csrf.encode() +
            b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n')

    def body():
        yield head
        for _ in range(40):
            yield b"1,2,3\n" * 10_000  # 60 kB per chunk, 2.4 MB in all

    response = client.post("/data/upload", content=body(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert not list(app_parts["ws"].uploads.iterdir())  # neither the file nor its .part


def test_an_upload_is_stored_under_a_server_chosen_name_and_its_name_shown_as_text(app_parts):
    client, csrf, ws = app_parts["client"], app_parts["session"].csrf(), app_parts["ws"]
    name = '../../<img src=x onerror=alert(1)>.csv'
    response = client.post("/data/upload", files={"file": (name, b"resp_id\nr1\n")}, data={"csrf": csrf})
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    stored = [p for p in ws.uploads.iterdir() if p.suffix == ".csv"]
    assert len(stored) == 1 and stored[0].name.startswith("data-") and stored[0].parent == ws.uploads
    assert stored[0].read_bytes() == b"resp_id\nr1\n"  # kept as sent, never modified
    assert not list(ws.root.parent.glob("*.csv"))  # nothing written outside the workspace


# ------------------------------------------------------------------------------------------ downloads


@pytest.mark.parametrize("path", [
    "../../study/plan.yaml", "..%2f..%2fstudy%2fplan.yaml", "tables/../../20261205-101500-3fa3/report.html",
    "/etc/passwd", "%2fetc%2fpasswd", "tables\\..\\report.html", ".hidden", "missing.txt", "tables",
])
def test_a_download_outside_the_run_folder_is_refused(app_parts, path):
    _fake_run(app_parts["ws"])
    response = app_parts["client"].get(f"/runs/20261205-101500-3fa2/files/{path}")
    assert response.status_code == 404
    assert "root:" not in response.text and "title:" not in response.text


def test_a_symbolic_link_out_of_the_run_folder_is_not_followed(app_parts, tmp_path):
    folder = _fake_run(app_parts["ws"])
    secret = tmp_path / "secret.txt"
    secret.write_text("secret contents")
    (folder / "tables" / "leak.csv").symlink_to(secret)
    (folder / "inside.csv").symlink_to(folder / "tables" / "table01_sample.csv")
    client = app_parts["client"]
    assert client.get("/runs/20261205-101500-3fa2/files/tables/leak.csv").status_code == 404
    assert client.get("/runs/20261205-101500-3fa2/files/inside.csv").status_code == 200  # a link inside is fine
    archive = client.get("/runs/20261205-101500-3fa2/zip")
    assert archive.status_code == 200 and b"secret contents" not in archive.content
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "20261205-101500-3fa2/tables/table01_sample.csv" in names
    assert not [n for n in names if "leak" in n]


def test_a_symbolic_link_as_the_run_folder_is_refused(app_parts, tmp_path):
    outside = tmp_path / "elsewhere"
    _fake_run(app_parts["ws"], "20261205-101500-aaaa").rename(outside)
    (app_parts["ws"].runs / "20261205-101500-aaaa").symlink_to(outside)
    assert app_parts["client"].get("/runs/20261205-101500-aaaa/files/report.html").status_code == 404


@pytest.mark.parametrize("run_id", ["..", "20261205-101500-3fa2x", "%2e%2e", "study"])
def test_a_malformed_run_id_is_refused(app_parts, run_id):
    _fake_run(app_parts["ws"])
    assert app_parts["client"].get(f"/runs/{run_id}/files/report.html").status_code == 404
    assert app_parts["client"].get(f"/runs/{run_id}/zip").status_code == 404


def test_a_file_of_a_run_is_served_as_an_attachment_and_the_report_sandboxed(app_parts):
    _fake_run(app_parts["ws"])
    client = app_parts["client"]
    response = client.get("/runs/20261205-101500-3fa2/files/tables/table01_sample.csv")
    assert response.status_code == 200 and response.content == b"a,b\n1,2\n"
    assert response.headers["content-disposition"].startswith("attachment;")
    view = client.get("/runs/20261205-101500-3fa2/view/report.html")
    assert view.status_code == 200 and "Table 1" in view.text
    assert view.headers["content-security-policy"].startswith("sandbox;")
