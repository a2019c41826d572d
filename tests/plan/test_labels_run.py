"""Honest labels in the report (issue 15 item 16): the forest plot names terms as the models table does, Table 24's
title says which hypotheses it holds, Figures 1 and 2 have their own captions, Table 22 explains M2's rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from alliance_stats.core.i18n import tr
from alliance_stats.models import fit_logit
from alliance_stats.models.hypotheses import HypothesesResult, hypotheses_table
from alliance_stats.plan.sections.models import forest_frames
from alliance_stats.report import forest_plot
from tests.models.simulated import simulate_firms


def test_forest_plot_shows_the_models_table_labels_not_design_names():
    data = simulate_firms(200, np.random.default_rng(21), model="M1")
    data["link"] = np.random.default_rng(2).normal(size=len(data))
    m1 = fit_logit(data, "crossed", ["configuration", "firm_age"], categorical={"configuration": "survie"})
    m2 = fit_logit(data, "crossed", ["link", "firm_age"], settings=None)
    for lang in ("en", "fr"):
        frames = forest_frames({"M1": m1, "M2": m2}, lang)
        figure = forest_plot(pd.concat(frames), lang)
        assert isinstance(figure, Figure)
        shown = [t.get_text() for t in figure.axes[0].get_yticklabels()]
        assert shown and not any("[" in text for text in shown), shown
        mutual_aid = tr("entraide", lang)
        assert any(text.startswith(tr("configuration", lang)) and mutual_aid in text for text in shown), shown


def test_the_hypotheses_title_says_which_hypotheses_the_table_holds():
    base = {"statement_fr": "a", "statement_en": "a", "model": "M1", "target": "x", "direction": "greater",
            "estimate": 0.1, "se": 0.1, "odds_ratio": 1.1, "or_ci_low": 0.9, "or_ci_high": 1.3, "p": 0.2,
            "p_adjusted": 0.2, "verdict": "not supported"}
    confirmatory = pd.DataFrame([{**base, "confirmatory": True}], index=pd.Index(["H1"], name="id"))
    mixed = pd.concat([confirmatory, pd.DataFrame([{**base, "confirmatory": False, "verdict": None}],
                                                  index=pd.Index(["H5"], name="id"))])
    for lang in ("en", "fr"):
        only = hypotheses_table(HypothesesResult(confirmatory, alpha=0.05, correction="holm"), lang)
        both = hypotheses_table(HypothesesResult(mixed, alpha=0.05, correction="holm"), lang)
        assert only.title == tr("models.hypotheses_title_confirmatory", lang)
        assert both.title == tr("models.hypotheses_title", lang)
