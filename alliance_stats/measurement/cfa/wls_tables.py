"""The report's fit table for the ordinal route of :func:`alliance_stats.measurement.cfa` (WLSMV, DWLS, ULSMV):
the unscaled test, the scaled-shifted test with its scaled indices and the robust indices, and a note naming the
route (``measurement.ordinal_cfa.*`` catalogue keys). Separate from :mod:`.results` so that it imports nothing
of the CFA sub-package."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from alliance_stats.core.format import format_cell
from alliance_stats.core.i18n import tr
from alliance_stats.core.table import Table

__all__ = ["ordinal_fit_table"]


def ordinal_fit_table(result: Any, lang: str) -> Table:
    """The fit table of the ordinal route: the unscaled DWLS/ULS test, the scaled-shifted test with its scaled
    indices and the robust indices (Savalei 2021), with a note naming the route.

    Parameters
    ----------
    result
        An ordinal :class:`alliance_stats.measurement.cfa.results.CFAResult`.
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    Table
        Key ``cfa_fit``.

    Examples
    --------
    >>> import pandas as pd
    >>> from alliance_stats.measurement import cfa
    >>> d = pd.read_csv("tests/fixtures/ordinal_cfa/simulated_skewed.csv")
    >>> res = cfa(d, "F1 =~ y1 + y2 + y3 + y4\\nF2 =~ y5 + y6 + y7 + y8", estimator="WLSMV")
    >>> list(ordinal_fit_table(res, "en").frame.index)
    ['DWLS', 'WLSMV', 'robust']
    """
    f = result.fit

    def t(key: str) -> str:
        return tr(f"measurement.cfa.{key}", lang)

    df_name = tr("measurement.df", lang)
    cols = [t("estimator"), t("n"), "χ²", df_name, t("p"), "CFI", "TLI", "RMSEA", t("ci_low"), t("ci_high"), "SRMR",
            "SRMR (Bentler)", "CRMR", "WRMR"]
    est = result.estimator
    raw = "ULS" if est == "ULSMV" else "DWLS"
    n = int(f["ntotal"])
    rows = [[tr(f"measurement.ordinal_cfa.{raw.lower()}_row", lang), n, f["chisq"], int(f["df"]), f["pvalue"],
             f["cfi"], f["tli"], f["rmsea"], f["rmsea.ci.lower"], f["rmsea.ci.upper"], f["srmr"],
             f.get("srmr_bentler", np.nan), f.get("crmr", np.nan), f.get("wrmr", np.nan)]]
    index = [raw]
    if "chisq.scaled" in f:
        rows.append([tr("measurement.ordinal_cfa.scaled_row", lang).format(estimator=est), n, f["chisq.scaled"],
                     int(f["df"]), f["pvalue.scaled"], f["cfi.scaled"], f["tli.scaled"], f["rmsea.scaled"],
                     f["rmsea.ci.lower.scaled"], f["rmsea.ci.upper.scaled"], np.nan, np.nan, np.nan, np.nan])
        rows.append([t("robust_row"), n, np.nan, np.nan, np.nan, f["cfi.robust"], f["tli.robust"],
                     f["rmsea.robust"], f["rmsea.ci.lower.robust"], f["rmsea.ci.upper.robust"], np.nan, np.nan,
                     np.nan, np.nan])
        index += [est, "robust"]
    frame = pd.DataFrame(rows, columns=cols, index=pd.Index(index, name="model"))
    formats = {cols[0]: "text", cols[1]: "int", "χ²": "f2", df_name: "int", cols[4]: "p", "CFI": "r3",
               "TLI": "r3", "RMSEA": "r3", cols[8]: "r3", cols[9]: "r3", "SRMR": "r3", "SRMR (Bentler)": "r3",
               "CRMR": "r3", "WRMR": "f2"}
    missing = tr(f"measurement.ordinal_cfa.{result.missing}", lang)
    note = tr("measurement.ordinal_cfa.fit_note", lang).format(estimator=est, missing=missing)
    note += tr("measurement.ordinal_cfa.residual_note", lang)
    if "chisq.scaled" in f:
        note += tr("measurement.ordinal_cfa.scaled_note", lang).format(
            c=format_cell(f["chisq.scaling.factor"], "f3", lang))
    return Table(key="cfa_fit", title=t("fit_title"), frame=frame, note=note, formats=formats, lang=lang,
                 show_index=False)


def ordinal_reliability_table(alphas: dict[str, float | None], fit: Any, labels: dict[str, str], lang: str) -> Table:
    """Reliability on the ordinal route, one row per construct: ordinal alpha (alpha on the polychoric matrix,
    Zumbo, Gadermann and Zeisser 2007), categorical omega (Green and Yang 2009) and the AVE of the latent
    responses from the ordinal CFA (key ``ordinal_reliability``).

    Parameters
    ----------
    alphas
        Construct code -> ordinal alpha (None when it could not be computed).
    fit
        The ordinal CFA (its ``reliability`` holds ``omega`` and ``ave`` per factor), or None.
    labels
        Construct code -> label in the report language.
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    Table

    References
    ----------
    Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of coefficients alpha and theta for
    Likert rating scales. *Journal of Modern Applied Statistical Methods*, 6(1), 21-29.
    Green, S. B., & Yang, Y. (2009). Reliability of summed item scores using structural equation modeling: An
    alternative to coefficient alpha. *Psychometrika*, 74(1), 155-167.

    Examples
    --------
    >>> ordinal_reliability_table({"TRS": 0.84}, None, {"TRS": "Trust"}, "en").frame.round(2).iloc[0].tolist()
    [0.84, nan, nan]
    """
    rel = fit.reliability if fit is not None else None
    names = {"alpha": tr("measurement.ordinal_cfa.ordinal_alpha", lang),
             "omega": tr("measurement.ordinal_cfa.categorical_omega", lang),
             "ave": tr("measurement.ordinal_cfa.ave_latent", lang)}
    rows = []
    for code, alpha in alphas.items():
        omega = float(rel.loc[code, "omega"]) if rel is not None and code in rel.index else np.nan
        ave = float(rel.loc[code, "ave"]) if rel is not None and code in rel.index else np.nan
        rows.append({names["alpha"]: np.nan if alpha is None else float(alpha), names["omega"]: omega,
                     names["ave"]: ave})
    frame = pd.DataFrame(rows, index=pd.Index([labels.get(c, c) for c in alphas],
                                              name=tr("measurement.construct", lang)))
    estimator = fit.estimator if fit is not None else "WLSMV"
    return Table(key="ordinal_reliability", title=tr("measurement.ordinal_cfa.rel_title", lang), frame=frame,
                 note=tr("measurement.ordinal_cfa.rel_note", lang).format(estimator=estimator),
                 formats={c: "r2" for c in frame.columns}, lang=lang)
