"""Compiled building blocks shared by several stages' compiled loops.

The Firth fits (``models/firth_newton.py``, ``models/firth_scoring.py``) and the CFA's derivatives
(``measurement/cfa/kernels.py``) factor small symmetric matrices inside loops that numba compiles; numpy's and
LAPACK's Cholesky cannot be called there without leaving the compiled loop (numba's ``np.linalg.cholesky``
raises instead of saying the matrix is not positive definite, and copies its input). One implementation serves
them all.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["cholesky_lower"]


@numba.njit(cache=True, nogil=True)
def cholesky_lower(A: np.ndarray) -> tuple[np.ndarray, bool]:
    """Lower Cholesky factor of a symmetric matrix and whether it is positive definite.

    Column by column (the Cholesky-Banachiewicz order of Golub and Van Loan, algorithm 4.2.1); the factor is
    returned with ``False`` as soon as a pivot is not positive (a matrix that is not positive definite, or has a
    NaN), the columns after it left at zero.

    Parameters
    ----------
    A : numpy.ndarray
        Symmetric (p, p) matrix; only its lower triangle is read.

    Returns
    -------
    tuple of (numpy.ndarray, bool)
        ``L`` with ``L @ L.T == A`` to rounding, and whether every pivot was positive.

    References
    ----------
    Golub, G. H., & Van Loan, C. F. (2013). *Matrix computations* (4th ed.), section 4.2. Johns Hopkins.

    Examples
    --------
    >>> import numpy as np
    >>> low, ok = cholesky_lower(np.array([[4.0, 2.0], [2.0, 5.0]]))
    >>> ok, low.tolist()
    (True, [[2.0, 0.0], [1.0, 2.0]])
    >>> cholesky_lower(np.array([[1.0, 2.0], [2.0, 1.0]]))[1]
    False
    """
    p = A.shape[0]
    low = np.zeros((p, p))
    for j in range(p):
        s = A[j, j]
        for k in range(j):
            s -= low[j, k] * low[j, k]
        if not s > 0.0:
            return low, False
        low[j, j] = math.sqrt(s)
        for i in range(j + 1, p):
            t = A[i, j]
            for k in range(j):
                t -= low[i, k] * low[j, k]
            low[i, j] = t / low[j, j]
    return low, True
