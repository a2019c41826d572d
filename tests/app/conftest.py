"""Fixtures of the local web page's tests: a workspace, the app behind its guard, a client holding the token,
a responses file with planted errors."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

PORT = 8765
TOKEN = "test-token-0123456789"
BASE = f"http://127.0.0.1:{PORT}"

#: Text planted in personal columns: it must never appear in a page.
PERSONAL = {"FIRM_NAME": "Quintal-Brisebois SARL", "RESP_EMAIL": "zoe.quintal@example.org"}


@pytest.fixture
def app_parts(tmp_path: Path) -> dict[str, Any]:
    """A fresh workspace, the guarded app (upload limit 1 MB) and a client that has presented the token."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx2")  # starlette's note about httpx's successor
        from starlette.testclient import TestClient

    from alliance_stats.app import Session, create_app

    session = Session(port=PORT, token=TOKEN)
    app = create_app(tmp_path / "ws", session, max_upload_mb=1)
    client = TestClient(app, base_url=BASE, follow_redirects=False)
    assert client.get(f"/?token={TOKEN}").status_code == 303
    return {"client": client, "session": session, "app": app, "pages": app.app.state.pages,
            "ws": app.app.state.pages.ws, "anonymous": TestClient(app, base_url=BASE, follow_redirects=False)}


@pytest.fixture
def planted_csv() -> bytes:
    """The bundled synthetic responses with planted errors: a code 8 on LINK_1 in data row 3, role 'c' in row 5,
    row 8's resp_id repeated from row 7; plus personal columns (a firm name, an e-mail) in every row."""
    from alliance_stats.plan.templates import template

    frame = pd.read_csv(template("data/synthetic_responses.csv"), dtype=str, keep_default_na=False)
    frame = frame.head(40).copy()
    frame.loc[2, "LINK_1"] = "8"
    frame.loc[4, "role"] = "c"
    frame.loc[7, "resp_id"] = frame.loc[6, "resp_id"]
    for column, value in PERSONAL.items():
        frame[column] = value
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


@pytest.fixture
def cheap_study(app_parts: dict[str, Any]) -> Path:
    """The workspace's study plan (the packaged plan, made by ``alliance-stats init``) with the cheap replicate
    counts of ``tests.run_helpers.CHEAP_COUNTS`` (20 bootstrap draws, 99 permutations...) and without the two
    CFA-based reviewer's checks, as tests/run_helpers.py's ``CHEAP``: for the tests whose claim
    is the page's handling of a whole run, not its numbers. The page's plan form reads every other value from it."""
    from tests.run_helpers import cheap_counts

    plan = app_parts["ws"].study / "plan.yaml"
    plan.write_text(cheap_counts(plan.read_text(encoding="utf-8"), cmv_nesting=False), encoding="utf-8")
    return plan
