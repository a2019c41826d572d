"""After the fit: identification check, covariance of the estimates, lavaan's parameter table with std.all,
and the post-fit checks (Heywood cases, non-positive-definite matrices) of a CFA.

Hand-written for the same reason as the estimator (:mod:`alliance_stats.measurement.cfa.api`): these are
lavaan 0.6-14's ``parameterEstimates(standardized = TRUE)`` and post-fit checks applied to our estimates.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from pandas.api.internals import create_dataframe_from_blocks
from scipy import special

from alliance_stats.core.errors import HeywoodWarning, SpecificationError
from alliance_stats.core.results import warn
from alliance_stats.measurement.cfa import engine

__all__ = ["check_identified", "check_solution", "frame_of_columns", "frame_of_matrix", "parameter_frames",
           "vcov_of_information"]

_Z975 = float(special.ndtri(0.975))


def check_identified(info: np.ndarray | None, table: engine.ParameterTable) -> None:
    if info is None or not np.all(np.isfinite(info)):
        return
    sym = 0.5 * (info + info.T)
    eigval = np.linalg.eigvalsh(sym)  # the eigenvectors only to name the parameters of an unidentified model
    if eigval[0] > 1e-9 * max(eigval[-1], 1.0):
        return
    eigval, eigvec = np.linalg.eigh(sym)
    weights = np.abs(eigvec[:, 0])
    names = table.free_names()
    involved = [names[j] for j in np.argsort(-weights) if weights[j] > 0.1][:4]
    raise SpecificationError(
        f"the model is not identified: parameters {', '.join(involved)} cannot be estimated separately",
        fix="keep a marker loading fixed to 1 (or fix the factor variance with f ~~ 1*f), give each factor "
        "at least two items (three for a one-factor model) and remove redundant covariances",
    )


def vcov_of_information(information: np.ndarray) -> tuple[np.ndarray, bool]:
    """Covariance matrix of the estimates: 2 x inverse of the Hessian of -2 log L."""
    sym = 0.5 * (information + information.T)
    try:
        eig = np.linalg.eigvalsh(sym)
        if eig[0] <= 1e-12 * max(abs(eig[-1]), 1.0):
            return np.full_like(sym, np.nan), False
        return 2.0 * np.linalg.inv(sym), True
    except np.linalg.LinAlgError:
        return np.full_like(sym, np.nan), False


_STRING = engine.STRING  # pandas' default for text columns
_PARAMS_COLUMNS = ("lhs", "op", "rhs", "group", "label", "free", "free_index", "est", "se", "z", "pvalue", "ci_lower",
                   "ci_upper", "std_all")
_LOADINGS_COLUMNS = ("factor", "item", "est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_est", "fixed")


@functools.cache
def _column_index(names: tuple[str, ...]) -> pd.Index:
    return pd.Index(list(names))


def frame_of_columns(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A DataFrame with a RangeIndex from 1-D numpy arrays of one length, the same frame as ``pd.DataFrame(columns)``
    (object arrays of strings become pandas' default ``str`` columns; numeric columns of one dtype share one
    block, as the constructor consolidates them) built without the constructor's per-column inference. The
    arrays are copied (stacked), so the frame shares no memory with them.

    Parameters
    ----------
    columns
        Column name -> 1-D array (``object`` arrays hold strings, without missing values; a ``StringArray`` of
        pandas' default ``str`` dtype is copied as it is, without checking its strings again).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import numpy as np
    >>> frame = frame_of_columns({"name": np.array(["a", "b"], dtype=object), "x": np.array([1.0, 2.0])})
    >>> frame.equals(pd.DataFrame({"name": ["a", "b"], "x": [1.0, 2.0]}))
    True
    """
    blocks: list[tuple[object, np.ndarray]] = []
    numeric: dict[str, list[np.ndarray]] = {}
    places: dict[str, list[int]] = {}
    names = tuple(columns)
    for i, values in enumerate(columns.values()):
        if isinstance(values, pd.arrays.StringArray):
            blocks.append((values.copy(), _place(i)))
        elif values.dtype.kind == "O":
            blocks.append((pd.arrays.StringArray(values.copy(), dtype=_STRING), _place(i)))
        else:
            numeric.setdefault(values.dtype.str, []).append(values)
            places.setdefault(values.dtype.str, []).append(i)
    for kind, arrays in numeric.items():
        blocks.append((np.array(arrays), np.array(places[kind])))
    n = len(columns[names[0]])
    return create_dataframe_from_blocks(blocks, index=_range_index(n).view(), columns=_column_index(names).view())


@functools.cache
def _place(i: int) -> np.ndarray:
    """The placement ``[i]`` of a one-column block (read-only, shared)."""
    out = np.array([i])
    out.setflags(write=False)
    return out


@functools.lru_cache(maxsize=64)
def _range_index(n: int) -> pd.RangeIndex:
    """``pd.RangeIndex(n)``, built once (callers take a ``.view()``)."""
    return pd.RangeIndex(n)


def frame_of_matrix(values: np.ndarray, index: pd.Index, columns: pd.Index) -> pd.DataFrame:
    """``pd.DataFrame(values, index=index, columns=columns)`` for a 2-D float array (the same frame: one block, a
    copy of ``values``) without the constructor's checks and inference.

    Parameters
    ----------
    values
        The rows x columns matrix.
    index, columns
        Its labels (used as they are: pass a ``.view()`` of an index shared with other frames).

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> import numpy as np
    >>> frame_of_matrix(np.eye(2), pd.Index(["a", "b"]), pd.Index(["a", "b"])).loc["a", "b"]
    np.float64(0.0)
    """
    return create_dataframe_from_blocks([(values.T.copy(order="C"), np.arange(values.shape[1]))], index=index,
                                        columns=columns)


def _std_all(table: engine.ParameterTable, est: np.ndarray, mats: list[dict[str, np.ndarray]],
             implied: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """lavaan's std.all of every row of the table (lav_standardize_all), group by group."""
    std = np.empty(est.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        for g, (lam, th_var, th_cov, psi_at, nu, alpha) in enumerate(table.kinds):
            sigma = implied[g][0]
            psi, th = mats[g]["psi"], mats[g]["theta"]
            ov_var = np.diag(sigma)
            ov_sd = np.sqrt(np.where(ov_var > 0, ov_var, np.nan))
            lv_sd = np.sqrt(np.where(np.diag(psi) > 0, np.diag(psi), np.nan))
            rv_sd = np.sqrt(np.abs(np.diag(th)))
            at, row, col = lam
            std[at] = est[at] * lv_sd[col] / ov_sd[row]
            at, row, _ = th_var
            std[at] = est[at] / ov_var[row]
            at, row, col = th_cov
            std[at] = est[at] / (rv_sd[row] * rv_sd[col])
            at, row, col = psi_at
            std[at] = est[at] / (lv_sd[row] * lv_sd[col])
            at, row, _ = nu
            std[at] = est[at] / ov_sd[row]
            at, row, _ = alpha
            std[at] = est[at] / lv_sd[row]
    return std


def parameter_frames(table: engine.ParameterTable, theta: np.ndarray, se_free: np.ndarray,
                     mats: list[dict[str, np.ndarray]], implied: list[tuple[np.ndarray, np.ndarray]],
                     group_labels: tuple[str, ...], multi: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """lavaan's parameterEstimates(standardized = TRUE) with std.all (lav_standardize_all): loadings times
    the factor SD over the implied item SD, residual variances over the implied item variance, residual
    covariances over the residual SDs, factor covariances as correlations, intercepts and latent means
    over the item / factor SD; and its loading rows as :attr:`CFAResult.loadings` (``group`` first when
    ``multi``)."""
    cols = table.columns
    free_index = np.array(cols["free"])
    is_free = free_index >= 0
    est = np.where(is_free, theta[np.maximum(free_index, 0)], cols["value"])
    se = np.where(is_free, se_free[np.maximum(free_index, 0)], 0.0)
    std = _std_all(table, est, mats, implied)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(is_free, est / np.where(is_free, se, 1.0), np.nan)
    values = {
        "lhs": cols["lhs"], "op": cols["op"], "rhs": cols["rhs"],
        "group": np.array(group_labels, dtype=object)[cols["group"]], "label": cols["label"],
        "free": is_free, "free_index": free_index, "est": est, "se": se, "z": z,
        "pvalue": np.where(is_free, 2.0 * special.ndtr(-np.abs(z)), np.nan),
        "ci_lower": est - _Z975 * se, "ci_upper": est + _Z975 * se, "std_all": std,
    }
    text = table.text_columns
    params = frame_of_columns({**values, **{name: text[name] for name in ("lhs", "op", "rhs", "label")}})
    at = text["loadings"]
    renamed = {"factor": "lhs", "item": "rhs", "std_est": "std_all"}
    loading_values = {name: values[renamed.get(name, name)][at] for name in _LOADINGS_COLUMNS[2:-1]}
    loading_values = {"factor": text["factor"], "item": text["item"], **loading_values, "fixed": ~is_free[at]}
    if multi:
        loading_values = {"group": values["group"][at], **loading_values}
    return params, frame_of_columns(loading_values)


def check_solution(mats: list[dict[str, np.ndarray]], table: engine.ParameterTable,
                    group_labels: tuple[str, ...], messages: list[str], multi: bool) -> None:
    """Heywood cases and non-positive-definite matrices, as lavaan's post-fit checks."""
    for g, label in enumerate(group_labels):
        where = f" in group {label!r}" if multi else ""
        th, psi, lam = mats[g]["theta"], mats[g]["psi"], mats[g]["lambda"]
        th_var, psi_var = th.diagonal(), psi.diagonal()
        negative, not_positive = th_var < 0, psi_var <= 0
        if negative.any():
            for i in np.flatnonzero(negative):
                warn(messages, f"Heywood case{where}: the residual variance of item {table.items[i]!r} is negative "
                      f"({th[i, i]:.4g})", HeywoodWarning)
        if not_positive.any():
            for f in np.flatnonzero(not_positive):
                warn(messages, f"Heywood case{where}: the variance of factor {table.factors[f]!r} is not positive "
                      f"({psi[f, f]:.4g})", HeywoodWarning)
        sigma_diag = np.einsum("if,fh,ih->i", lam, psi, lam) + th_var
        with np.errstate(invalid="ignore", divide="ignore"):
            std = lam * np.sqrt(psi_var)[None, :] / np.sqrt(sigma_diag)[:, None]
        above = np.isfinite(std) & (np.abs(std) > 1)
        if above.any():
            for i, f in zip(*np.nonzero(above), strict=True):
                warn(messages, f"Heywood case{where}: the standardized loading of {table.items[i]!r} on "
                      f"{table.factors[f]!r} is {std[i, f]:.3f} (above 1 in absolute value)", HeywoodWarning)
        if (psi_var > 0).all() and np.linalg.eigvalsh(psi)[0] < 0:
            warn(messages, f"the covariance matrix of the factors{where} is not positive definite (a factor "
                  "correlation beyond 1 in absolute value)", HeywoodWarning)
        diagonal = np.count_nonzero(th) == np.count_nonzero(th_var)  # eigenvalues: the diagonal itself
        if not diagonal and (th_var >= 0).all() and np.linalg.eigvalsh(th)[0] < -1e-12:
            warn(messages, f"the residual covariance matrix (theta){where} is not positive definite (a "
                  "residual correlation beyond 1 in absolute value)", HeywoodWarning)
