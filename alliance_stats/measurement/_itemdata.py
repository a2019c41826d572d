"""Input checks and pairwise moments shared by item analysis, reliability and EFA.

Missing values follow R's ``use = "pairwise"`` (the default of ``psych::alpha``, ``psych::fa``,
``psych::KMO``): a covariance uses the rows where both items are answered, with means over those rows
(``cov(x, use = "pairwise")``); a pairwise correlation also takes both standard deviations over those rows
(``cor(x, use = "pairwise")``), so it is not ``cov2cor`` of the pairwise covariance matrix when data are
missing. Sums are taken on data centred at the item means, which keeps full precision for any location.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from alliance_stats.core.errors import SpecificationError
from alliance_stats.data.pairwise_cov import centred_answers, centred_cov

__all__ = [
    "as_item_frame",
    "pairwise_cov",
    "pairwise_corr",
    "check_pairs",
    "smc",
    "singular_items",
]


def as_item_frame(items: pd.DataFrame | np.ndarray, *, min_items: int = 2, what: str = "this analysis",
                  min_rows: int = 3) -> pd.DataFrame:
    """Validate an item table and return it as a float DataFrame (a copy; the input is not modified).

    Raises :class:`SpecificationError` for: not a table, fewer than ``min_items`` columns, duplicated
    column names, a column holding text, infinite values, fewer than ``min_rows`` rows with an answer, an
    item with fewer than two answers or no variance (the error names the item). Rows where every item is
    missing are dropped (they carry no information).
    """
    if isinstance(items, np.ndarray):
        if items.ndim != 2:
            raise SpecificationError(f"{what} needs a two-dimensional table of items (one column per item)",
                                     fix="pass a pandas DataFrame with one column per item")
        items = pd.DataFrame(items, columns=[f"item{j + 1}" for j in range(items.shape[1])])
    if not isinstance(items, pd.DataFrame):
        raise SpecificationError(f"{what} needs a table of items, got {type(items).__name__}",
                                 fix="pass a pandas DataFrame with one column per item")
    columns = [str(c) for c in items.columns]
    if len(columns) < min_items:
        raise SpecificationError(
            f"{what} needs at least {min_items} items, got {len(columns)}"
            + (f" ({', '.join(columns)})" if columns else ""),
            fix=f"select at least {min_items} item columns",
        )
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise SpecificationError(f"item names must be unique; {', '.join(duplicated)} appear more than once",
                                 column=duplicated[0], fix="rename or drop the duplicated columns")
    values: dict[str, np.ndarray] = {}
    for position, name in enumerate(columns):
        col = items.iloc[:, position]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
            arr = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        else:
            coerced = pd.to_numeric(col, errors="coerce")
            bad = col.notna().to_numpy() & coerced.isna().to_numpy()
            if bad.any():
                row = int(np.flatnonzero(bad)[0])
                raise SpecificationError(
                    f"item {name} holds text, not numbers", column=name, row=row + 1, value=col.iloc[row],
                    fix="score the responses (numeric codes) or drop the column from the item list",
                )
            sample = col.dropna()
            raise SpecificationError(
                f"item {name} holds text values (strings such as {sample.iloc[0]!r} rather than numbers)"
                if len(sample) else f"item {name} has no numeric value",
                column=name, fix="convert the column to numbers before the analysis",
            )
        if np.isinf(arr).any():
            row = int(np.flatnonzero(np.isinf(arr))[0])
            raise SpecificationError(f"item {name} has an infinite value", column=name, row=row + 1,
                                     value=arr[row], fix="recode it as missing")
        values[name] = arr
    frame = pd.DataFrame(values, index=items.index, columns=columns)
    frame = frame.loc[frame.notna().any(axis=1)]
    if len(frame) < min_rows:
        raise SpecificationError(f"{what} needs at least {min_rows} respondents with answers, got {len(frame)}",
                                 fix="collect more responses")
    for name in columns:
        col = frame[name].to_numpy()
        answered = col[~np.isnan(col)]
        if answered.size < 2:
            raise SpecificationError(f"item {name} has fewer than two answers", column=name,
                                     fix="drop the item from the scale")
        if np.ptp(answered) == 0:
            raise SpecificationError(f"item {name} is constant (every answer is {answered[0]:g}): it has no "
                                     "variance", column=name, value=answered[0], fix="drop the item from the scale")
    return frame


def _centred(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(data centred at column means with NaN set to 0, observed mask as float)."""
    centred, observed = centred_answers(X)
    return centred, observed.astype(float)


def pairwise_cov(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete covariance matrix (R ``cov(x, use = "pairwise")``) and pair counts.

    Entries with fewer than two common observations are NaN.
    """
    _, observed, cov = centred_cov(np.asarray(X, dtype=float)[None])
    mask = observed[0].astype(float)
    return cov[0], mask.T @ mask


def pairwise_corr(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete correlation matrix (R ``cor(x, use = "pairwise")``) and pair counts."""
    X = np.asarray(X, dtype=float)
    Z, M = _centred(X)
    N = M.T @ M
    Sx = Z.T @ M
    Sxx = Z.T @ Z
    Sx2 = (Z * Z).T @ M  # Sx2[i, j] = sum of squares of item i over the rows where both are observed
    with np.errstate(invalid="ignore", divide="ignore"):
        cross = Sxx - Sx * Sx.T / N
        var_i = Sx2 - Sx * Sx / N  # variance of i on the pair's rows (times N - 1)
        R = cross / np.sqrt(var_i * var_i.T)
    R[N < 2] = np.nan
    np.fill_diagonal(R, 1.0)
    return R, N


def check_pairs(matrix: np.ndarray, names: Sequence[str], what: str) -> None:
    """Raise a :class:`SpecificationError` naming the first pair of items whose covariance or correlation
    cannot be computed (fewer than two rows answering both, or no variance on those rows)."""
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        i, j = (int(v) for v in bad[0])
        raise SpecificationError(
            f"{what}: items {names[i]} and {names[j]} have fewer than two respondents in common with "
            "variance on both, so their correlation cannot be computed",
            column=names[i], fix=f"drop {names[i]} or {names[j]}, or collect more complete responses",
        )


def smc(R: np.ndarray) -> np.ndarray:
    """Squared multiple correlations as ``psych::smc``: ``1 - 1 / diag(Pinv(R))`` clipped to [0, 1]."""
    inverse = np.linalg.pinv(R, rtol=np.sqrt(np.finfo(float).eps), hermitian=True)
    values = 1.0 - 1.0 / np.diag(inverse)
    return np.clip(values, 0.0, 1.0)


def singular_items(R: np.ndarray, names: Sequence[str], tol: float = 1e-10) -> list[str] | None:
    """Items involved in a (near) linear dependency of the correlation matrix, or ``None`` if it is
    positive definite. A matrix with a negative eigenvalue (possible with pairwise deletion) is reported
    with the items loading on that eigenvector too."""
    values, vectors = np.linalg.eigh(R)
    if values[0] > tol * max(values[-1], 1.0):
        return None
    weights = np.abs(vectors[:, 0])
    involved = [names[j] for j in np.flatnonzero(weights > 0.1 * weights.max())]
    return involved
