"""Personal data: a planted name and e-mail appear in no object or output after reading."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from alliance_stats.core.errors import ReadError
from alliance_stats.data import (
    ExclusionRules,
    apply_exclusions,
    careless_flags,
    check_responses,
    pseudonymise,
    read_responses,
    run_salt,
    score_responses,
)
from alliance_stats.data.privacy import pseudonymise_value, scrub_emails
from alliance_stats.instrument import Instrument
from tests.data.builders import to_kobo_csv, valid_responses

ROOT = Path(__file__).resolve().parents[2]
NAME = "Zoé Quintal-Brisebois"
EMAIL = "zoe.quintal-brisebois@exemple.qc.ca"
FIRM = "Menuiserie Quintal-Brisebois inc."
NEEDLES = ("quintal", "brisebois", "exemple.qc.ca", "zoe.q")


def planted(instrument: Instrument) -> pd.DataFrame:
    frame = valid_responses(instrument, n_dyads=40, seed=13)
    frame.loc[5, ["RESP_NAME", "RESP_EMAIL", "FIRM_NAME"]] = [NAME, EMAIL, FIRM]
    frame.loc[6, "FIRM_NAME"] = FIRM.upper()
    frame.loc[7, "resp_id"] = EMAIL  # an e-mail typed where an id was expected
    frame["Nom complet"] = ""  # a column the instrument does not know, holding names
    frame.loc[5, "Nom complet"] = NAME
    frame.loc[5, "ATTN_1"] = 6.0  # so that the respondent appears in warnings and exclusions
    return frame


def assert_clean(text: str, where: str) -> None:
    lowered = text.casefold()
    for needle in NEEDLES:
        assert needle not in lowered, f"{needle!r} found in {where}"


def write(instrument: Instrument, frame: pd.DataFrame, fmt: str, folder: Path) -> Path:
    if fmt == "csv":
        path = folder / "r.csv"
        frame.to_csv(path, sep=";", decimal=",", encoding="cp1252", index=False)
    elif fmt == "xlsx":
        path = folder / "r.xlsx"
        frame.to_excel(path, index=False, sheet_name="responses")
    elif fmt == "sav":
        path = folder / "r.sav"
        pyreadstat.write_sav(frame.rename(columns={"Nom complet": "NOM_COMPLET"}), path)
    else:
        path = folder / "kobo.csv"
        payload = to_kobo_csv(frame.drop(columns="Nom complet"), instrument, values="labels", lang="fr")
        path.write_bytes(payload)
    return path


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "kobo"])
def test_planted_name_appears_in_no_output(instrument: Instrument, tmp_path, fmt):
    path = write(instrument, planted(instrument), fmt, tmp_path)
    if fmt == "xlsx":
        raw = pd.read_excel(path, sheet_name="responses").to_csv()
    elif fmt == "sav":
        raw = pyreadstat.read_sav(path)[0].to_csv()
    else:
        raw = path.read_bytes().decode("cp1252")
    assert "Quintal" in raw and EMAIL in raw  # the name and the e-mail are really in the input
    frame = read_responses(path, instrument)
    outputs: dict[str, str] = {
        "frame": frame.to_csv(),
        "frame attrs": json.dumps(frame.attrs, default=str),
        "frame repr": repr(frame.to_dict()),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = check_responses(frame, instrument)
        flags = careless_flags(frame, instrument)
        scores = score_responses(frame, instrument)
    outputs["check summary"] = result.summary() + result.summary(lang="fr")
    outputs["check dict"] = json.dumps(result.to_dict(), ensure_ascii=False)
    outputs["check frame"] = result.to_frame().to_csv()
    outputs["check table"] = result.table("data_check").frame.to_csv()
    outputs["flags"] = flags.to_csv()
    kept, excluded = apply_exclusions(frame, flags, ExclusionRules(fail_attention=True, exclude_dyad=True))
    outputs["kept"] = kept.to_csv()
    outputs["excluded"] = excluded.to_csv()
    outputs["scores"] = scores.to_csv()
    assert len(excluded) == 2  # the planted respondent and the partner are there, pseudonymously
    for where, text in outputs.items():
        assert_clean(text, f"{fmt}: {where}")
    # the pseudonym is the salted hash of the name, so equal names stay comparable within the run
    firm = frame["FIRM_NAME"]
    assert firm[5] == firm[6] == pseudonymise_value(FIRM, run_salt())
    assert frame.loc[5, "RESP_NAME"].startswith("ps_")


@pytest.mark.slow
def test_cli_outputs_hold_no_personal_data(instrument: Instrument, tmp_path):
    path = write(instrument, planted(instrument), "csv", tmp_path)
    for extra in ([], ["--json"]):
        done = subprocess.run([sys.executable, "-m", "alliance_stats.cli", "data", "check", str(path), *extra],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert done.returncode == 2  # the unknown column "Nom complet" is an error
        assert "Nom complet" in done.stdout
        assert_clean(done.stdout + done.stderr, f"CLI {extra}")


def test_read_errors_do_not_echo_personal_data(instrument: Instrument, tmp_path):
    frame = planted(instrument).drop(columns="Nom complet")
    text = frame.to_csv(index=False, float_format="%.1f").splitlines()
    text[6] = text[6].replace(".0,", ",0,", 1)  # an unquoted decimal comma in the planted respondent's row
    path = tmp_path / "r.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_responses(path, instrument)
    assert info.value.row == 6
    assert_clean(str(info.value) + json.dumps(info.value.to_dict()), "read error")


# ------------------------------------------------------------------------------------------- pseudonyms


def test_pseudonym_is_hmac_sha256_of_the_normalised_value():
    expected = "ps_" + hmac.new(b"k", "zoé quintal-brisebois".encode(), hashlib.sha256).hexdigest()[:16]
    assert pseudonymise_value("  Zoé   QUINTAL-Brisebois ", "k") == expected
    # NFC normalisation: a decomposed é gives the same pseudonym
    assert pseudonymise_value("Zoe\u0301 Quintal-Brisebois", "k") == expected


def test_pseudonyms_depend_on_the_salt_and_keep_missing_values():
    names = pd.Series([NAME, np.nan, "", NAME], index=[10, 11, 12, 13], name="RESP_NAME")
    one = pseudonymise(names, salt="a")
    two = pseudonymise(names, salt="b")
    assert one[10] == one[13] and one[10] != two[10]
    assert one.isna().tolist() == [False, True, True, False]
    assert list(one.index) == [10, 11, 12, 13] and one.name == "RESP_NAME" and one.dtype == "str"
    assert pseudonymise(names)[10] == pseudonymise(names)[10] == pseudonymise_value(NAME, run_salt())
    assert len(run_salt()) == 32


def test_given_salt_makes_pseudonyms_stable_across_reads(instrument: Instrument, tmp_path):
    path = write(instrument, planted(instrument), "csv", tmp_path)
    first = read_responses(path, instrument, salt="wave-secret")
    second = read_responses(path, instrument, salt="wave-secret")
    other = read_responses(path, instrument, salt="another")
    pd.testing.assert_series_equal(first["RESP_EMAIL"], second["RESP_EMAIL"])
    assert first.loc[5, "RESP_EMAIL"] != other.loc[5, "RESP_EMAIL"]


def test_scrub_emails_inside_text():
    text = f"écrire à {EMAIL} ou à a.b@c.org"
    scrubbed = scrub_emails(text, salt="k")
    assert_clean(scrubbed, "scrubbed text")
    assert scrubbed.startswith("écrire à <email ps_") and scrubbed.count("<email ps_") == 2
    assert scrub_emails("no address here", salt="k") == "no address here"
    assert np.isnan(scrub_emails(np.nan))


def test_unknown_column_values_never_reach_the_frame(instrument: Instrument, tmp_path):
    path = tmp_path / "r.csv"
    planted(instrument).to_csv(path, index=False)
    frame = read_responses(path, instrument)
    assert "Nom complet" not in frame.columns and frame.attrs["unknown_columns"] == ["Nom complet"]
    assert_clean(io.StringIO(frame.to_csv()).getvalue(), "frame")
