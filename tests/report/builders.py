"""Builders shared by the report tests and the whole-run tests: small tables, a small report, a stand-in
instrument and Likert responses, a scree figure, an HTML cell collector and the headless-Chromium probe.

The instrument here is a stand-in with exactly the attributes of the instrument contract that
:func:`alliance_stats.report.figures.likert_diverging_bars` reads (constructs with labels, scales with
point labels, items with name, wording, reverse flag, scale and missing codes), so the report tests do not
depend on the bundled questionnaire's wording. Fixtures over these are in ``conftest.py``.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from alliance_stats.core.table import Table
from alliance_stats.report.figures import scree_plot
from alliance_stats.report.model import Report, ReportFigure, Section

AGREE7 = {
    1: {"fr": "Pas du tout d'accord", "en": "Strongly disagree"},
    2: {"fr": "Pas d'accord", "en": "Disagree"},
    3: {"fr": "Plutôt pas d'accord", "en": "Somewhat disagree"},
    4: {"fr": "Ni d'accord ni pas d'accord", "en": "Neither agree nor disagree"},
    5: {"fr": "Plutôt d'accord", "en": "Somewhat agree"},
    6: {"fr": "D'accord", "en": "Agree"},
    7: {"fr": "Tout à fait d'accord", "en": "Strongly agree"},
}


@dataclass
class StandInScale:
    id: str
    min: int
    max: int
    labels: dict[int, dict[str, str]]


@dataclass
class StandInConstruct:
    code: str
    label: dict[str, str]


@dataclass
class StandInVariable:
    name: str
    construct: str
    text: dict[str, str]
    reverse: bool = False
    scale: str = "agree7"
    missing_codes: list[int] = field(default_factory=lambda: [99])


@dataclass
class StandInInstrument:
    constructs: dict[str, StandInConstruct]
    scales: dict[str, StandInScale]
    variables: list[StandInVariable]

    def items(self, code: str) -> list[StandInVariable]:
        return [v for v in self.variables if v.construct == code]

    def construct_codes(self) -> list[str]:
        return list(self.constructs)


def make_instrument() -> StandInInstrument:
    constructs = {
        "LINK": StandInConstruct("LINK", {"fr": "Lien social", "en": "Social link"}),
        "SYM": StandInConstruct("SYM", {"fr": "Symétrie de l'intérêt", "en": "Interest symmetry"}),
    }
    wording = {
        "LINK_1": ("Nous nous considérons comme des amis", "We see each other as friends"),
        "LINK_2": ("Nous nous aidons sans compter", "We help each other freely"),
        "LINK_3": ("Seul le profit compte dans cette relation", "Only profit matters"),
        "SYM_1": ("Nous avons autant besoin l'un de l'autre", "We need each other equally"),
        "SYM_2": ("L'un de nous dépend bien plus de l'autre", "One of us depends far more"),
    }
    variables = [
        StandInVariable(name, name.split("_")[0], {"fr": fr, "en": en}, reverse=name in ("LINK_3", "SYM_2"))
        for name, (fr, en) in wording.items()
    ]
    return StandInInstrument(constructs, {"agree7": StandInScale("agree7", 1, 7, AGREE7)}, variables)


def make_likert_responses() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({
        name: rng.integers(1, 8, size=40).astype(float)
        for name in ("LINK_1", "LINK_2", "LINK_3", "SYM_1", "SYM_2")
    })
    frame.loc[0, "LINK_1"] = 99.0  # "don't know": excluded
    frame.loc[1, "SYM_2"] = np.nan
    frame["RESP_NAME"] = "Jeanne Martin"
    return frame


def reliability_table(lang: str) -> Table:
    frame = pd.DataFrame(
        {"alpha": [0.8234, 0.7049, -0.0312], "ci_low": [0.7811, 0.6502, -0.2], "p": [0.0004, 0.0321, 0.5],
         "n": [300, 298, 12], "share": [0.9567, 0.5, 0.001]},
        index=pd.Index(["LINK", "SYM", "R&D_50%#"], name="construct"),
    )
    titles = {"fr": "Fiabilité des échelles", "en": "Scale reliability"}
    notes = {"fr": "Alpha de Cronbach avec IC à 95 %.", "en": "Cronbach's alpha with 95% CI."}
    return Table("reliability", titles[lang], frame, notes[lang],
                 formats={"alpha": "r2", "ci_low": "r2", "p": "p", "n": "int", "share": "pct"}, lang=lang)


def models_table(lang: str) -> Table:
    columns = pd.MultiIndex.from_tuples([("M1", "OR"), ("M1", "p"), ("M2", "OR"), ("M2", "p")])
    frame = pd.DataFrame(
        [[2.4567, 0.0001, 1.9876, 0.012], [0.5123, 0.2468, 0.7777, 0.0009], [412.345, np.nan, 409.876, np.nan]],
        index=["entraide", "survie", "AIC"], columns=columns,
    )
    titles = {"fr": "Modèles de franchissement", "en": "Crossing models"}
    return Table("models", titles[lang], frame, "OR: odds ratio.",
                 formats={"OR": "f2", "p": "p", "row:AIC": "f1"}, lang=lang)


def small_report(lang: str, figure: ReportFigure | None = None, extra_tables: list[Table] | None = None) -> Report:
    titles = {"fr": "Rapport de test", "en": "Test report"}
    sections = [
        Section("measurement", {"fr": "Mesure", "en": "Measurement"}[lang],
                paragraphs=["Scores computed on 300 dyads."], tables=[reliability_table(lang)],
                warnings=["Heywood case in CFA: loading 1.02 on LINK_3."]),
        Section("models", {"fr": "Modèles", "en": "Models"}[lang],
                tables=[models_table(lang), *(extra_tables or [])],
                figures=[figure] if figure is not None else []),
    ]
    return Report(titles[lang], lang, synthetic=True, sections=sections,
                  warnings=["2 respondents excluded (attention check)."],
                  provenance={"seed": 7, "versions": {"alliance_stats": "0.1.0"}, "input_sha256": "ab" * 32})


def scree_figure(lang: str) -> ReportFigure:
    data = {"observed": [3.0, 1.2, 0.5], "simulated": [1.3, 1.1, 0.9]}
    return ReportFigure("scree", scree_plot(data, lang), {"fr": "Analyse parallèle", "en": "Parallel analysis"}[lang],
                        note="100 simulated data sets.")


class CellCollector(HTMLParser):
    """Texts of the ``th``/``td`` cells of every table body, table by table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.captions: list[str] = []
        self._in_body = False
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._in_body:
            self._cell = []
        elif tag == "caption":
            self._in_caption = True
            self.captions.append("")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_caption:
            self.captions[-1] += data


# ------------------------------------------------------------------------------ headless Chromium

PROBE = """<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.outerHTML)) || 'error'));
}, true);
window.addEventListener('unhandledrejection', function (e) { window.__errors.push('rejection ' + e.reason); });
(function () {
  var original = console.error;
  console.error = function () {
    window.__errors.push(Array.prototype.join.call(arguments, ' '));
    original.apply(console, arguments);
  };
})();
window.addEventListener('load', function () {
  var images = document.images, loaded = 0;
  for (var i = 0; i < images.length; i++) { if (images[i].complete && images[i].naturalWidth > 0) loaded++; }
  var tables = document.querySelectorAll('table'), rendered = 0;
  for (var j = 0; j < tables.length; j++) { if (tables[j].getBoundingClientRect().height > 0) rendered++; }
  var probe = document.createElement('div');
  probe.id = '__probe';
  probe.setAttribute('data-errors', JSON.stringify(window.__errors));
  probe.setAttribute('data-images', String(images.length));
  probe.setAttribute('data-images-loaded', String(loaded));
  probe.setAttribute('data-tables', String(tables.length));
  probe.setAttribute('data-tables-rendered', String(rendered));
  document.body.appendChild(probe);
});
</script>"""


def chromium_dom(html_path, profile) -> str:
    command = [
        shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", html_path.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
