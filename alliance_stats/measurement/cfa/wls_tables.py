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
    cols = [t("estimator"), t("n"), "χ²", df_name, t("p"), "CFI", "TLI", "RMSEA", t("ci_low"), t("ci_high"), "SRMR"]
    est = result.estimator
    raw = "ULS" if est == "ULSMV" else "DWLS"
    n = int(f["ntotal"])
    rows = [[tr(f"measurement.ordinal_cfa.{raw.lower()}_row", lang), n, f["chisq"], int(f["df"]), f["pvalue"],
             f["cfi"], f["tli"], f["rmsea"], f["rmsea.ci.lower"], f["rmsea.ci.upper"], f["srmr"]]]
    index = [raw]
    if "chisq.scaled" in f:
        rows.append([tr("measurement.ordinal_cfa.scaled_row", lang).format(estimator=est), n, f["chisq.scaled"],
                     int(f["df"]), f["pvalue.scaled"], f["cfi.scaled"], f["tli.scaled"], f["rmsea.scaled"],
                     f["rmsea.ci.lower.scaled"], f["rmsea.ci.upper.scaled"], np.nan])
        rows.append([t("robust_row"), n, np.nan, np.nan, np.nan, f["cfi.robust"], f["tli.robust"],
                     f["rmsea.robust"], f["rmsea.ci.lower.robust"], f["rmsea.ci.upper.robust"], np.nan])
        index += [est, "robust"]
    frame = pd.DataFrame(rows, columns=cols, index=pd.Index(index, name="model"))
    formats = {cols[0]: "text", cols[1]: "int", "χ²": "f2", df_name: "int", cols[4]: "p", "CFI": "r3",
               "TLI": "r3", "RMSEA": "r3", cols[8]: "r3", cols[9]: "r3", "SRMR": "r3"}
    missing = tr(f"measurement.ordinal_cfa.{result.missing}", lang)
    note = tr("measurement.ordinal_cfa.fit_note", lang).format(estimator=est, missing=missing)
    if "chisq.scaled" in f:
        note += tr("measurement.ordinal_cfa.scaled_note", lang).format(
            c=format_cell(f["chisq.scaling.factor"], "f3", lang))
    return Table(key="cfa_fit", title=t("fit_title"), frame=frame, note=note, formats=formats, lang=lang,
                 show_index=False)
