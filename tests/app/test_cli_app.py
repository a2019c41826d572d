"""``alliance-stats app``: its options, its refusals, and the server it starts (the address with its token)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
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
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


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
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 130 and "Stopped by SIGINT" in err
