"""``alliance-stats app``: its options, its refusals, and the server it starts (the address with its token)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from alliance_stats.cli import main

REPO = Path(__file__).resolve().parents[2]


def _exit_status(argv: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    captured = capsys.readouterr()
    return info.value.code, captured.err + captured.out


def test_the_app_command_lists_its_options(capsys):
    status, text = _exit_status(["app", "--help"], capsys)
    assert status == 0
    for option in ("--port", "--workspace", "--no-browser", "--host", "--max-upload-mb"):
        assert option in text


def test_a_port_in_use_is_refused_with_a_fix(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status, err = _exit_status(["app", "--port", str(port), "--no-browser", "--workspace", str(tmp_path / "w")],
                                   capsys)
    assert status == 2 and "cannot listen on 127.0.0.1" in err and "--port 0" in err


def test_an_upload_limit_below_one_mb_is_refused(tmp_path, capsys):
    status, err = _exit_status(["app", "--max-upload-mb", "0", "--no-browser", "--workspace", str(tmp_path / "w")],
                               capsys)
    assert status == 2 and "--max-upload-mb" in err
    assert not (tmp_path / "w").exists()  # refused before anything is created


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status(url: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    return _open(urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {}))


@pytest.mark.slow
def test_the_command_serves_the_page_on_a_free_port_until_ctrl_c(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "alliance_stats.cli", "app", "--port", "0", "--no-browser",
                                "--workspace", str(tmp_path / "ws")], cwd=tmp_path, env=env,
                               stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = ""
        for line in process.stderr:  # the address is printed once the workspace is ready
            if line.startswith("Open http://127.0.0.1:"):
                url = line.split()[1]
                break
        assert "?token=" in url
        base = url.split("/?")[0]
        for _ in range(600):  # uvicorn binds the port just after printing the address
            try:
                socket.create_connection((base.split("//")[1].split(":")[0], int(base.rsplit(":", 1)[1])), 1).close()
                break
            except OSError:
                time.sleep(0.1)
        assert _status(base + "/")[0] == 403
        status, headers = _status(url)
        assert status == 303
        cookie = headers["set-cookie"].split(";")[0]
        assert _status(base + "/", cookie)[0] == 200
        assert _status(base + "/survey", cookie)[0] == 200
        assert (tmp_path / "ws" / "study" / "plan.yaml").is_file()
        job = _start_a_run(base, cookie)
        for _ in range(600):  # stop the server while the run computes
            status = json.loads(_read(f"{base}/jobs/{job}/status", cookie))
            if status["stage"] not in ("start", "read"):
                break
            time.sleep(0.1)
        assert status["state"] == "running"
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "Stopped by SIGINT" in err
    assert not list((tmp_path / "ws" / "runs").iterdir())  # no run folder, not even a half-written one


def _read(url: str, cookie: str, data: bytes | None = None) -> str:
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode("utf-8")


def _start_a_run(base: str, cookie: str) -> str:
    """Use the bundled data and run the plan through the forms, as the page does; return the job id."""
    page = _read(base + "/data", cookie)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    checked = _read(base + "/data/example", cookie, urllib.parse.urlencode({"csrf": csrf}).encode())
    upload = re.search(r'href="/plan\?data=(data-[0-9a-f]+)"', checked).group(1)
    form = {"csrf": csrf, "data": upload, "language": "en", "estimator": "ML", "fail_attention": "on",
            "max_longstring": "20", "mahalanobis_p": "0.001", "max_missing_share": "0.5", "cut": "midpoint"}
    request = urllib.request.Request(base + "/plan/run", data=urllib.parse.urlencode(form).encode(),
                                     headers={"Cookie": cookie})
    status, headers = _open(request)
    assert status == 303, status
    return headers["location"].rsplit("/", 1)[1]


def _open(request: urllib.request.Request) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


class _Console:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, text: str, **_: object) -> None:
        self.lines.append(text)


def test_serve_warns_when_listening_beyond_this_computer_and_opens_the_browser_with_the_token(tmp_path,
                                                                                              monkeypatch):
    import threading
    import webbrowser

    import uvicorn

    from alliance_stats.app import serve

    ran, opened = {}, []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(options, app=app))
    monkeypatch.setattr(webbrowser, "open", opened.append)

    class Now:  # the browser opens at once instead of after a second
        def __init__(self, delay, function, args):
            self.call = lambda: function(*args)

        def start(self):
            self.call()

    monkeypatch.setattr(threading, "Timer", Now)
    console = _Console()
    serve(tmp_path / "ws", port=0, host="0.0.0.0", open_browser=True, console=console)
    assert ran["host"] == "0.0.0.0" and ran["port"] > 0
    assert any(line.startswith("Warning: listening on 0.0.0.0") for line in console.lines)
    assert opened == [f"http://127.0.0.1:{ran['port']}/?token={ran['app'].session.token}"]
    quiet = _Console()
    serve(tmp_path / "ws", port=0, open_browser=False, console=quiet)
    assert not any(line.startswith("Warning") for line in quiet.lines) and ran["host"] == "127.0.0.1"
