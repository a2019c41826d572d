"""The whole run (issue 8): `alliance-stats run PLAN` on 100 simulated dyads, checked file by file.

The module-scoped fixture reads four runs of the command line on one small data set (cheap settings: 20
bootstrap draws, 99 permutations, 20 parallel-analysis draws): the plan in English (the session's base run,
``base_run`` in tests/conftest.py, also read by tests/plan/test_summary_run.py and tests/plan/test_rules_runner.py);
the same plan again with ``--force`` over a stale folder (byte-identical results); in French with
``report.suppress_below: 5``; and on an XLSX copy of the responses with ``--data``. The responses hold a planted
name and e-mail address that must reach no file of any run folder. The tests share the four folders, so xdist
keeps them on one worker with the other readers of the base run (``xdist_group("base_run")``, ``make test`` uses
``--dist loadgroup``).
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import docx
import numpy as np
import pytest

from alliance_stats.core.format import format_cell
from alliance_stats.core.table import FORMAT_CODES
from alliance_stats.plan import EXPORT_EXTENSIONS, load_plan
from alliance_stats.report.tables import slug
from tests.report.builders import PROBE, chromium_dom
from tests.run_helpers import (
    DECIMAL_COMMA,
    DECIMAL_POINT,
    PLANTED,
    base_responses,
    cli,
    csv_bytes,
    find_needles,
    plan_text,
    read_report_tables,
    svg_texts,
)

pytestmark = [pytest.mark.xdist_group("base_run"), pytest.mark.slow]  # four whole runs: minutes

#: Needles that must appear in no file of a run folder: the planted identity and the simulator's fake ones.
PERSONAL = ["Quintal-Brisebois", "Quintal", "zoe.quintal@example.org", "@example.org", "Répondant 00", "Firme 00"]
SUPPRESS_BELOW = 5


@pytest.fixture(scope="module")
def runs(base_run, simulated, instrument) -> dict[str, Path]:
    """Four run folders of one plan (see the module docstring); ``en`` is the base run."""
    root = base_run.root
    responses, _ = base_responses(simulated, instrument)  # the base run's responses, planted data included
    assert responses.loc[responses.index[0], list(PLANTED)].tolist() == list(PLANTED.values())
    assert csv_bytes(responses) == (root / "responses.csv").read_bytes()
    responses.to_excel(root / "responses.xlsx", index=False)
    (root / "plan_suppress.yaml").write_text(
        plan_text(**{"suppress_below: null": f"suppress_below: {SUPPRESS_BELOW}", "estimator: ML": "estimator: MLM"}),
        encoding="utf-8")
    folders = {name: root / name for name in ("en", "again", "fr", "xlsx")}
    assert folders["en"] == base_run.folder
    commands = {
        "again": ["run", root / "plan.yaml", "-o", folders["again"], "--force"],
        "fr": ["run", root / "plan_suppress.yaml", "-o", folders["fr"], "--lang", "fr"],
        "xlsx": ["run", root / "plan.yaml", "-o", folders["xlsx"], "--data", root / "responses.xlsx"],
    }
    for name, command in commands.items():
        if name == "again":  # --force replaces a stale folder holding a file the run does not write
            shutil.copytree(folders["en"], folders["again"])
            (folders["again"] / "stale.txt").write_text("from an older run")
        code, _ = cli(command)
        assert code == 0, f"run {name} failed"
    return {**folders, "root": root}


def results(folder: Path) -> dict:
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------- files


def test_run_folder_holds_every_file(runs):
    folder = runs["en"]
    page = read_report_tables(folder / "report.html")
    keys = [table.key for table in page.tables]
    assert len(keys) == len(set(keys)) >= 20
    assert set(keys) == set(results(folder)["tables"])
    expected = {"report.html", "report.docx", "summary.md", "results.json", "provenance.json", "warnings.txt"}
    for number, key in enumerate(keys, start=1):
        expected |= {f"tables/table{number:02d}_{slug(key)}.{ext}" for ext in ("csv", "md", "html", "tex")}
    figure_stems = sorted(path.stem for path in (folder / "figures").glob("*.png"))
    assert len(figure_stems) == len(page.images) >= 7
    assert figure_stems == [f"figure{n:02d}_{stem.split('_', 1)[1]}" for n, stem in enumerate(figure_stems, 1)]
    expected |= {f"figures/{stem}.{ext}" for stem in figure_stems for ext in ("png", "svg")}
    plan = load_plan(runs["root"] / "plan.yaml")
    expected |= {f"instrument/alliance_startup_{fmt}.{EXPORT_EXTENSIONS[fmt]}" for fmt in plan.exports}
    written = {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}
    assert written == expected
    assert all((folder / name).stat().st_size > 0 for name in written)
    for stem in figure_stems:
        assert (folder / "figures" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in (folder / "figures" / f"{stem}.svg").read_bytes()[:2000]
    tex = (folder / "tables" / "table01_sample.tex").read_text(encoding="utf-8")
    assert r"\toprule" in tex and r"\bottomrule" in tex
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["inputs"]["data"]["file"] == "responses.csv" and len(provenance["inputs"]["data"]["sha256"]) == 64
    assert provenance["seed"] == plan.seed and provenance["versions"]["numpy"] == np.__version__
    assert (folder / "warnings.txt").read_text(encoding="utf-8").strip()
    assert not list(runs["root"].glob(".*.tmp")), "a temporary run folder was left behind"


# --------------------------------------------------------------------------- report.html = results.json


def shown_as(value, text: str, lang: str) -> bool:
    """True when ``text`` is how the report prints ``value`` (a JSON value) under some format code."""
    if value is None:
        return text == ""
    if isinstance(value, str | bool):
        return text == format_cell(value, "text", lang)
    return any(format_cell(value, spec, lang) == text for spec in FORMAT_CODES)


def table_mismatches(key: str, html, frame: dict, lang: str) -> list[str]:
    problems = []
    if len(html.body) != len(frame["data"]):
        return [f"{key}: {len(html.body)} rows in the report, {len(frame['data'])} in results.json"]
    last_header = [text for text, _ in html.header[-1]]
    stub = sum(1 for is_th, _ in html.body[0] if is_th) if html.body else 0
    columns = [c[-1] if isinstance(c, list) else c for c in frame["columns"]]
    if last_header[stub:] != [format_cell(c, "text", lang) for c in columns]:
        problems.append(f"{key}: headers {last_header[stub:]} against {columns}")
    for row_label, values, cells in zip(frame["index"], frame["data"], html.body, strict=True):
        stubs = [text for is_th, text in cells if is_th]
        shown = [text for is_th, text in cells if not is_th]
        labels = row_label if isinstance(row_label, list) else [row_label]
        if stubs and stubs != [format_cell(label, "text", lang) for label in labels]:
            problems.append(f"{key}: row label {stubs} against {labels}")
        if len(shown) != len(values):
            problems.append(f"{key}: row {labels} has {len(shown)} cells, results.json {len(values)}")
            continue
        for column, value, text in zip(columns, values, shown, strict=True):
            if not shown_as(value, text, lang):
                problems.append(f"{key}: row {labels}, column {column}: report {text!r}, results.json {value!r}")
    return problems


def model_cell_mismatches(html, values: dict, lang: str) -> list[str]:
    """The side-by-side models table prints text ("OR [low, high]", fit statistics): each number must be a
    number of ``values["model_<name>_coefficients"]`` or ``values["model_<name>_fit"]`` once formatted."""
    problems = []
    names = [text for text, _ in html.header[-1]][1:]
    interval = re.compile(r"^(\S+) \[(\S+)(?:, | ; )(\S+)\]$")
    for row in html.body:
        label, cells = row[0][1], [text for _, text in row[1:]]
        for name, text in zip(names, cells, strict=True):
            coefficients = values[f"model_{name}_coefficients"]
            columns = coefficients["columns"]
            triples = {tuple(format_cell(r[columns.index(c)], "f2", lang) for c in ("odds_ratio", "ci_low", "ci_high"))
                       for r in coefficients["data"]}
            match = interval.match(text)
            if match:
                if match.groups() not in triples:
                    problems.append(f"models: {label} / {name}: {text!r} is no odds ratio of results.json")
            elif re.search(r"\d", text) and not any(shown_as(value, text, lang)
                                                    for value in values[f"model_{name}_fit"]["data"]):
                problems.append(f"models: {label} / {name}: {text!r} is no fit statistic of results.json")
    return problems


def correlation_cell_mismatches(key: str, frame: dict, values: dict, lang: str) -> list[str]:
    """The APA correlation tables print text ("(.93)" alpha on the diagonal, ".45**" below it): each must be
    ``values["descriptives"][unit]``'s alpha, or its r with the marks its p gives."""
    unit = key.removeprefix("correlations_")
    saved = values["descriptives"][unit]
    r, p, names = saved["r"]["data"], saved["p"]["data"], saved["r"]["columns"]
    problems = []
    for i, row in enumerate(frame["data"]):
        for j, text in enumerate(row[2:]):
            if i == j:
                alpha = saved["alpha"][names[i]]
                expected = "—" if alpha is None else f"({format_cell(alpha, 'r2', lang)})"
            elif i > j and r[i][j] is not None:
                marks = "**" if p[i][j] < 0.01 else "*" if p[i][j] < 0.05 else ""
                expected = format_cell(r[i][j], "r2", lang) + marks
            else:
                expected = ""
            if text != expected:
                problems.append(f"{key}: row {i + 1}, column {j + 1}: {text!r}, results.json gives {expected!r}")
    return problems


def robustness_cell_mismatches(frame: dict, values: dict, lang: str) -> list[str]:
    """The robustness table prints "verdict (p = .033)" per hypothesis and variant, and the firms per variant:
    each must be ``values["checks"]["robustness"]``'s verdict and adjusted p, or its number of firms."""
    from alliance_stats.core.i18n import fmt_number, tr
    from alliance_stats.plan.sections.checks import VARIANTS

    saved = values["checks"]["robustness"]
    variants = list(VARIANTS)  # the table's column order (results.json sorts its keys)
    flipped = {(f["hypothesis"], f["variant"]) for f in saved["flips"]}
    problems = []
    for label, row in zip(frame["index"], frame["data"], strict=True):
        if label in saved["main"]:
            expected = [tr(saved["main"][label], lang)]
            for variant in variants:
                cell = saved["variants"][variant].get("hypotheses", {}).get(label)
                if cell is None:
                    expected.append("-")
                    continue
                p = fmt_number(cell["p_adjusted"], "p", lang)
                mark = " \u2020" if (label, variant) in flipped else ""
                expected.append(f"{tr(cell['verdict'], lang)} (p {'' if p.startswith('<') else '= '}{p}){mark}")
        else:  # the firms with a known outcome in each analysis
            sample = values["sample"]
            expected = [str(sample["firms_at_risk"] - sample["crossed_unknown"])] + [
                str(saved["variants"][v]["n_firms"]) if "n_firms" in saved["variants"][v]
                else tr("checks.robust.not_computed", lang) for v in variants]
        if list(row) != expected:
            problems.append(f"robustness: row {label!r}: {row}, results.json gives {expected}")
    return problems


@pytest.mark.parametrize("name", ["en", "fr"])
def test_every_number_in_report_html_equals_results_json(runs, name):
    folder = runs[name]
    lang = "fr" if name == "fr" else "en"
    saved = results(folder)
    tables = saved["tables"]
    page = read_report_tables(folder / "report.html")
    n_cells = 0
    problems: list[str] = []
    for table in page.tables:
        problems += table_mismatches(table.key, table, tables[table.key]["frame"], lang)
        assert table.caption.endswith(tables[table.key]["title"])
        n_cells += sum(len(row) for row in table.body)
        if table.key == "models":
            problems += model_cell_mismatches(table, saved["values"], lang)
        elif table.key.startswith("correlations_"):
            problems += correlation_cell_mismatches(table.key, tables[table.key]["frame"], saved["values"], lang)
        elif table.key == "robustness":
            problems += robustness_cell_mismatches(tables[table.key]["frame"], saved["values"], lang)
        else:  # numbers are numbers in results.json, not text
            frame = tables[table.key]["frame"]
            problems += [f"{table.key}: number as text {v!r}" for row in frame["data"] for v in row
                         if isinstance(v, str) and (DECIMAL_POINT.search(v) or DECIMAL_COMMA.search(v))]
    assert problems == []
    assert n_cells > 1000


def test_shown_as_fails_on_a_wrong_number():
    assert shown_as(0.8234, ".82", "en") and shown_as(0.8234, ",82", "fr") and shown_as(12, "12", "en")
    assert not shown_as(0.8234, ".83", "en") and not shown_as(0.8234, ".82", "fr") and not shown_as(None, "0", "en")


def test_word_tables_hold_the_cells_of_the_html_tables(runs):
    folder = runs["en"]
    page = read_report_tables(folder / "report.html")
    document = docx.Document(io.BytesIO((folder / "report.docx").read_bytes()))
    assert len(document.tables) == len(page.tables)
    for word, html in zip(document.tables, page.tables, strict=True):
        rows = [[cell.text for cell in row.cells] for row in word.rows]
        n_header = len(html.header)
        assert rows[:n_header] == html.header_grid(), html.key
        assert rows[n_header:] == html.body_texts(), html.key
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption" and p.text.startswith("Table ")]
    titles = results(folder)["tables"]
    assert captions == [f"Table {number}\n{titles[table.key]['title']}" for number, table in
                        enumerate(page.tables, start=1)]


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (make browser)")
def test_report_html_renders_in_headless_chromium(runs, tmp_path):
    page = (runs["en"] / "report.html").read_text(encoding="utf-8")
    probed = page.replace("<head>", "<head>\n" + PROBE, 1)
    assert probed != page
    path = tmp_path / "report.html"
    path.write_text(probed, encoding="utf-8")
    dom = chromium_dom(path, tmp_path / "profile")
    match = re.search(r'<div id="__probe"([^>]*)>', dom)
    assert match, "the probe did not run: " + dom[-500:]
    attributes = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', match.group(1)))
    assert json.loads(attributes["data-errors"].replace("&quot;", '"')) == []
    n_tables = len(results(runs["en"])["tables"])
    n_figures = len(list((runs["en"] / "figures").glob("*.png")))
    assert attributes["data-tables"] == attributes["data-tables-rendered"] == str(n_tables)
    assert attributes["data-images"] == attributes["data-images-loaded"] == str(n_figures)


# ------------------------------------------------------------------------------- reproducibility


def test_same_plan_twice_gives_identical_files_and_force_replaces_the_folder(runs):
    first, second = runs["en"], runs["again"]
    assert not (second / "stale.txt").exists()
    assert (first / "results.json").read_bytes() == (second / "results.json").read_bytes()
    differing = []
    for path in sorted(first.rglob("*")):
        relative = path.relative_to(first)
        if path.is_file() and path.read_bytes() != (second / relative).read_bytes():
            differing.append(str(relative))
    # provenance carries the time of the run (also printed in the reports); the instrument's XLSForm and
    # SPSS exports carry their own creation time
    allowed = {"provenance.json", "report.html", "report.docx", "instrument/alliance_startup_xlsform.xlsx",
               "instrument/alliance_startup_sav.sav"}
    assert set(differing) <= allowed
    assert not [name for name in differing if name.startswith(("tables/", "figures/"))]
    html = [(folder / "report.html").read_text(encoding="utf-8") for folder in (first, second)]
    times = re.compile(r"<dt>time</dt><dd>[^<]*</dd>")
    assert times.sub("", html[0]) == times.sub("", html[1])


def test_data_from_xlsx_gives_the_same_numbers_as_csv(runs):
    csv, xlsx = results(runs["en"]), results(runs["xlsx"])
    assert csv["tables"] == xlsx["tables"]
    assert csv["values"] == xlsx["values"]
    assert csv["synthetic"] is True and xlsx["synthetic"] is False  # --data: the plan's data are not used
    provenance = json.loads((runs["xlsx"] / "provenance.json").read_text(encoding="utf-8"))
    assert provenance["inputs"]["data"]["file"] == "responses.xlsx"


# ------------------------------------------------------------------------------------------ French


def test_french_report_has_french_labels_and_decimal_commas(runs):
    en_page = read_report_tables(runs["en"] / "report.html")
    fr_page = read_report_tables(runs["fr"] / "report.html")
    cells = [text for table in fr_page.tables for row in table.body for _, text in row]
    assert [cell for cell in cells if DECIMAL_POINT.search(cell)] == []
    assert sum(1 for cell in cells if DECIMAL_COMMA.search(cell)) > 200
    assert sum(1 for table in en_page.tables for row in table.body for _, text in row if DECIMAL_POINT.search(text))
    assert all(table.caption.startswith("Tableau ") for table in fr_page.tables)
    en_titles = {key: table["title"] for key, table in results(runs["en"])["tables"].items()}
    fr_titles = {key: table["title"] for key, table in results(runs["fr"])["tables"].items()}
    assert [key for key in fr_titles if fr_titles[key] == en_titles[key]] == []
    en_headers = {table.key: table.header[-1] for table in en_page.tables}
    assert sum(1 for table in fr_page.tables if table.header[-1] != en_headers[table.key]) >= 20
    html = (runs["fr"] / "report.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Données synthétiques" in html
    for svg in sorted((runs["fr"] / "figures").glob("*.svg")):
        texts = svg_texts(svg)
        en_texts = svg_texts(runs["en"] / "figures" / svg.name)
        assert [text for text in texts if DECIMAL_POINT.search(text)] == [], svg.name
        words = {text for text in texts if re.search(r"[A-Za-zÀ-ÿ]{3}", text)}
        en_words = {text for text in en_texts if re.search(r"[A-Za-zÀ-ÿ]{3}", text)}
        assert words and words != en_words, svg.name
    fr_svgs = [text for svg in (runs["fr"] / "figures").glob("*.svg") for text in svg_texts(svg)]
    en_svgs = [text for svg in (runs["en"] / "figures").glob("*.svg") for text in svg_texts(svg)]
    assert any(DECIMAL_COMMA.search(text) for text in fr_svgs) and any(DECIMAL_POINT.search(t) for t in en_svgs)


# ------------------------------------------------------------------------------ personal data


def test_planted_name_and_email_reach_no_file_of_any_run_folder(runs):
    root = runs["root"]
    # the scanner finds them in the inputs (CSV bytes, inflated XLSX), so finding none below means something
    assert {needle for _, needle in find_needles(root, PERSONAL) if _ in ("responses.csv", "responses.xlsx")} == \
        set(PERSONAL)
    for name in ("en", "again", "fr", "xlsx"):
        assert find_needles(runs[name], PERSONAL) == [], name


# -------------------------------------------------------------------------------- small cells


def test_small_crosstab_cells_are_suppressed_when_the_plan_asks(runs):
    en, fr = results(runs["en"])["tables"], results(runs["fr"])["tables"]
    label = f"< {SUPPRESS_BELOW}"
    page = {table.key: table for table in read_report_tables(runs["fr"] / "report.html").tables}
    n_suppressed = n_complementary = 0
    for key in ("cluster_crosstab", "typology_counts"):
        plain, hidden = en[key]["frame"]["data"], fr[key]["frame"]["data"]
        shown = [[text for is_th, text in row if not is_th] for row in page[key].body]
        # count columns: whole numbers, not all 0 or 1 (percentages are fractions)
        counts = [j for j in range(len(plain[0]))
                  if all(isinstance(r[j], int | float) and float(r[j]).is_integer() for r in plain)
                  and max(r[j] for r in plain) > 1]
        assert counts
        for i, row in enumerate(plain):
            for j, value in enumerate(row):
                if j in counts and 0 < value < SUPPRESS_BELOW:
                    assert hidden[i][j] == label and shown[i][j] == label, (key, i, j)
                    n_suppressed += 1
                elif j in counts and hidden[i][j] == "x":  # complementary suppression of a larger count or 0
                    assert shown[i][j] == "x"
                    n_complementary += 1
                elif hidden[i][j] == "–":  # the percentage of a suppressed count
                    assert j - 1 in counts and hidden[i][j - 1] in (label, "x") and shown[i][j] == "–"
                else:
                    assert hidden[i][j] == value, (key, i, j)
        # no column (within a clustering method) and no crosstab row holds exactly one hidden count
        index = fr[key]["frame"]["index"]
        block = [str(ix[0]) if isinstance(ix, list) and key == "cluster_crosstab" else "" for ix in index]
        total = [str(ix[-1] if isinstance(ix, list) else ix).lower() == "total" for ix in index]
        for j in counts:
            for b in set(block):
                column = [hidden[i][j] for i in range(len(hidden)) if block[i] == b and not total[i]]
                assert sum(isinstance(c, str) for c in column) != 1, (key, b, j)
        if key == "cluster_crosstab":
            for row in hidden:
                assert sum(isinstance(row[j], str) for j in counts) != 1, (key, row)
    assert n_suppressed >= 2  # the data set has small cells, so the test means something
    assert n_complementary >= 1  # and needs complementary suppression
    assert label not in json.dumps(en)  # off by default
    assert f"masqués (&lt; {SUPPRESS_BELOW})." in (runs["fr"] / "report.html").read_text(encoding="utf-8")
    csv = next((runs["fr"] / "tables").glob("*_cluster_crosstab.csv")).read_text(encoding="utf-8")
    assert label in csv


def test_plan_estimator_mlm_on_data_too_small_for_it_falls_back_to_ml_and_says_why(runs):
    # the French run's plan sets measurement.estimator: MLM; with 53 items and ~2 % missing answers per item,
    # listwise deletion leaves far fewer complete respondents than the free parameters of the model, so MLM's
    # corrections cannot be estimated: the report shows the ML CFA (full information) and the warnings say why
    en, fr = results(runs["en"]), results(runs["fr"])
    assert "chisq.scaled" not in en["values"]["cfa_fit"] and len(en["tables"]["cfa_fit"]["frame"]["data"]) == 1
    assert "chisq.scaled" not in fr["values"]["cfa_fit"] and len(fr["tables"]["cfa_fit"]["frame"]["data"]) == 1
    assert fr["values"]["cfa_fit"]["chisq"] == pytest.approx(en["values"]["cfa_fit"]["chisq"], rel=1e-12)
    # results.json keeps the warnings in English; warnings.txt of the French run has them in French
    warnings_txt = "\n".join(w["message"] for w in fr["warnings"])
    assert re.search(r"CFA \(MLM\) not computed: estimator 'MLM' needs more respondents than free parameters: "
                     r"\d+ for \d+", warnings_txt)
    # the French run's warnings.txt says it in French (issue 15 item 16)
    assert "CFA (MLM) non calculé(e) : " in (runs["fr"] / "warnings.txt").read_text(encoding="utf-8")
    assert "the CFA is shown with ML instead of MLM" in warnings_txt
    assert "dropped (listwise deletion" in warnings_txt  # raised by the MLM attempt before it was refused


def test_measurement_invariance_across_the_questionnaire_language_is_in_the_report(runs):
    en, fr = results(runs["en"]), results(runs["fr"])
    table = en["tables"]["invariance"]
    assert table["title"] == "Measurement invariance across questionnaire language"
    assert table["frame"]["index"] == ["Configural", "Metric (loadings)", "Scalar (loadings, intercepts)"]
    assert fr["tables"]["invariance"]["title"] == "Invariance de mesure selon langue du questionnaire"
    # the French plan asks for MLM, so invariance is tried with MLR; its English group is far too small for it
    en_warnings = "\n".join(w["message"] for w in results(runs["fr"])["warnings"])
    assert "Measurement invariance across LANG (MLR) not computed: estimator 'MLR' needs more respondents " \
           "than free parameters" in en_warnings
    assert "measurement invariance across LANG is shown with ML instead of MLR" in en_warnings
    fr_warnings = (runs["fr"] / "warnings.txt").read_text(encoding="utf-8")
    assert "measurement invariance across LANG est présenté(e) avec ML au lieu de MLR" in fr_warnings
    # 100 simulated dyads: the English group is smaller than the 53 items, and the report says so
    warnings_txt = (runs["en"] / "warnings.txt").read_text(encoding="utf-8")
    assert re.search(r"configural model: group 'en' has \d+ respondents for 53 items", warnings_txt)


def test_term_tests_predictions_and_constructs_tables_are_labelled_for_readers(runs):
    # Regression: the term-test table was titled "likelihood-ratio tests" while its p values came from the
    # cluster-robust Wald test, and it and the predictions table showed raw column and variable names
    # (lr_statistic, wald_p, ci_low, firm_age, ...) in both languages; the constructs' level stayed English.
    raw = {"term", "test", "statistic", "lr_statistic", "lr_p", "wald_statistic", "wald_p", "df", "probability",
           "se", "ci_low", "ci_high", "observed"}
    for name, lang in (("en", "en"), ("fr", "fr")):
        tables = results(runs[name])["tables"]
        for key in ("lr_tests", "predicted"):
            frame = tables[key]["frame"]
            assert not raw & set(frame["columns"]) - ({"df"} if lang == "en" else set()), (lang, key)
        tests = tables["lr_tests"]["frame"]
        assert "firm_age" not in tests["index"] and "EMPLOYEES" not in tests["index"]
        test_column = tests["columns"].index("Test")
        shown = {row[test_column] for row in tests["data"]}
        assert shown and shown <= ({"Wald (cluster-robust)", "penalised LR", "LR"} if lang == "en"
                                   else {"Wald (robuste, grappes)", "RV pénalisé", "RV"})
        assert "likelihood" not in tables["lr_tests"]["title"].lower()
        assert "vraisemblance" not in tables["lr_tests"]["title"].lower()
    fr = results(runs["fr"])["tables"]
    assert {row[1] for row in fr["constructs"]["frame"]["data"]} == {"dyade", "entreprise"}
    assert "ddl" in fr["cfa_fit"]["frame"]["columns"] and "chi2" not in fr["cfa_fit"]["frame"]["columns"]
    sample = (runs["fr"] / "tables" / "table01_sample.md").read_text(encoding="utf-8")
    assert "AWARE 5,0" in sample and "AWARE 5.0" not in sample
