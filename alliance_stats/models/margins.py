"""Average marginal effects and collinearity of the crossing models, as report tables.

The numbers are the fitted models' own: :meth:`LogitResult.marginal_effects` (average marginal effects on the
probability scale; a discrete change from the reference level for each configuration, every firm set to the
level and to the reference; a derivative for a continuous predictor; delta-method standard errors with the
model's covariance, dyad-cluster-robust when clustered) and ``LogitResult.vif`` (generalised VIF, ``car::vif``).
This module stacks them over the plan's models with localised labels, and says in the table notes in which unit
each control is measured, since an AME "per unit" means nothing without it.

Checked in ``tests/models/test_margins.py`` against statsmodels' ``get_margeff`` (continuous predictors and a
binary factor, where statsmodels' dummy change is the same discrete change) and against a central-difference
derivative of the average predicted probability for the four-level configuration.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from alliance_stats.core.i18n import LABELS, tr
from alliance_stats.core.table import Table
from alliance_stats.models.logit import VIF_THRESHOLD
from alliance_stats.models.logit_result import LogitResult, term_label

__all__ = ["ame_table", "units_note", "vif_table"]


def units_note(results: Mapping[str, LogitResult], lang: str = "en") -> str:
    """The units of the models' continuous predictors, from the catalogue (``checks.unit.<name>``).

    Parameters
    ----------
    results
        Fitted models by key.
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        One sentence listing each continuous predictor with its unit (one SD for a standardised one).

    Examples
    --------
    >>> units_note({})
    ''
    """
    parts: dict[str, str] = {}
    colon = " : " if lang == "fr" else ": "  # French typography: a space before the colon and the semicolon
    for res in results.values():
        for name in res.design.predictors:
            if name in res.design.factors or name in parts:
                continue
            if name in res.design.scaling:
                parts[name] = f"{tr(name, lang)}{colon}{tr('checks.unit.sd', lang)}"
            elif f"checks.unit.{name}" in LABELS:
                parts[name] = f"{tr(name, lang)}{colon}{tr(f'checks.unit.{name}', lang)}"
    if not parts:
        return ""
    return tr("checks.units", lang).format(units=(" ; " if lang == "fr" else "; ").join(parts.values()))


def ame_table(results: Mapping[str, LogitResult], lang: str = "en") -> Table:
    """Average marginal effects of every model's predictors, stacked (key ``ame``).

    Parameters
    ----------
    results
        Fitted models by key (the plan's order).
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    Table
        One row per model and predictor (configuration levels as discrete changes from the reference): AME,
        SE, p, 95 % interval, kind; the note gives the units of the controls.

    References
    ----------
    Williams, R. (2012). Using the margins command to estimate and interpret adjusted predictions and marginal
    effects. *The Stata Journal*, 12(2), 308-331.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from alliance_stats.models import fit_logit
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"x": rng.normal(size=200)}).assign(y=lambda f: (rng.random(200) < 1 / (1 + np.exp(-f.x))) * 1)
    >>> ame_table({"M": fit_logit(d, "y", ["x"])}).frame.shape
    (1, 8)
    """
    frames = []
    level = 95
    for key, res in results.items():
        ame = res.marginal_effects()
        level = round(100 * res.conf_level)
        frame = pd.DataFrame({
            tr("checks.model", lang): key,
            tr("checks.ame.term", lang): [term_label(t, res.design, lang) for t in ame.index],
            tr("checks.ame.ame", lang): ame["ame"].to_numpy(), tr("models.se", lang): ame["se"].to_numpy(),
            "p": ame["p"].to_numpy(),
            tr("models.ci_low", lang).format(level=level): ame["ci_low"].to_numpy(),
            tr("models.ci_high", lang).format(level=level): ame["ci_high"].to_numpy(),
            tr("checks.ame.kind", lang): [_kind(t, res, lang) for t in ame.index]})
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    formats = {c: "f3" for c in frame.columns}
    formats.update({tr("checks.model", lang): "text", tr("checks.ame.term", lang): "text", "p": "p",
                    tr("checks.ame.kind", lang): "text"})
    note = " ".join(part for part in (tr("checks.ame.note", lang), units_note(results, lang)) if part)
    return Table("ame", tr("checks.ame.title", lang), frame, note, formats, lang, show_index=False)


def _kind(term: str, res: LogitResult, lang: str) -> str:
    if term.endswith("]") and "[" in term:
        return tr("checks.ame.discrete", lang)
    return tr("checks.ame.per_sd" if term in res.design.scaling else "checks.ame.per_unit", lang)


def vif_table(results: Mapping[str, LogitResult], lang: str = "en") -> Table:
    """Generalised variance inflation factors of every model's terms, stacked (key ``vif``).

    Parameters
    ----------
    results
        Fitted models by key.
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    Table
        One row per model and term: GVIF, df, GVIF^(1/(2 df)) (Fox and Monette's comparable scale) and
        GVIF^(1/df) (the value compared with the threshold of the warning); the note gives the units.

    References
    ----------
    Fox, J., & Monette, G. (1992). Generalized collinearity diagnostics. *Journal of the American Statistical
    Association*, 87(417), 178-183.

    Examples
    --------
    >>> vif_table({}).key
    'vif'
    """
    frames = []
    for key, res in results.items():
        vif = res.vif
        frames.append(pd.DataFrame({
            tr("checks.model", lang): key,
            tr("checks.ame.term", lang): [term_label(t, res.design, lang) for t in vif.index],
            "GVIF": vif["gvif"].to_numpy(), tr("checks.df", lang): vif["df"].to_numpy(),
            "GVIF^(1/(2df))": np.power(vif["gvif"].to_numpy(), 1 / (2 * vif["df"].to_numpy(dtype=float))),
            "GVIF^(1/df)": vif["gvif_adjusted"].to_numpy()}))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    formats = {tr("checks.model", lang): "text", tr("checks.ame.term", lang): "text", "GVIF": "f2",
               tr("checks.df", lang): "int", "GVIF^(1/(2df))": "f2", "GVIF^(1/df)": "f2"}
    note = tr("checks.vif.note", lang).format(threshold=f"{VIF_THRESHOLD:g}")
    units = units_note(results, lang)
    return Table("vif", tr("checks.vif.title", lang), frame, f"{note} {units}".strip(), formats, lang,
                 show_index=False)
