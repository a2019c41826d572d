"""``exp``, ``log`` and squared distances that the compiler can vectorise: fdlibm's algorithms, written out for numba.

The mixtures' EM (:mod:`.gmm`) spends most of its time in ``exp`` (one per point and component at each E-step)
and ``log`` (one per point). numba compiles ``math.exp`` and ``math.log`` to calls of the C library's scalar
functions, so the loops that call them are not vectorised (~9 ns a call on this machine kind); numpy's own
vectorised ``exp`` cannot be called from a compiled loop, and calling it from Python between compiled steps
would cost more than it saves on arrays of a few hundred points. :func:`exp_nonpositive` reduces its argument
as fdlibm's ``__ieee754_exp`` (``x = k ln 2 + r``) and evaluates Taylor's polynomial of ``exp(r)`` with fused
multiply-adds (``llvm.fma``: no division, which costs as much as the rest once vectorised); :func:`log_normal` is
fdlibm's ``__ieee754_log`` without its branches. Every operation is an addition, multiplication, fused
multiply-add, division, ``floor``, integer shift or a reinterpretation of bits (:func:`_as_float`,
:func:`_as_int`), so a loop calling them is vectorised (issue 17: ~5x faster than the C library's functions in
the EM's loops).

Accuracy: within 1 ulp of the C library's ``exp`` and ``log`` (which round correctly in nearly every case); they
differ in about one value in ten (tests/typology/test_vecmath.py). The EM's results therefore move in their last
bits compared with ``math.exp`` and ``math.log`` (BIC ~1e-15 relative). Every operation is rounded as IEEE 754
says (no fast-math flags; a fused multiply-add rounds once, in hardware or not), so a value does not depend on
whether the compiler vectorised the loop, nor on the vector width.

numba's on-disk cache does not notice a change in another module: the cached kernels of :mod:`.gmm` (which
inline these functions) and of :mod:`.refit` (which call :mod:`.gmm`'s EM) keep the old code after an edit of
this file alone (or of gmm.py alone, for refit.py's); delete ``typology/cluster/__pycache__/*.nb[ic]`` then.

Reference: Sun Microsystems fdlibm 5.3, ``e_exp.c`` and ``e_log.c`` (the ln 2 and log constants are theirs).
"""

from __future__ import annotations

import math

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["exp_nonpositive", "log_normal", "squared_distances"]

_INVLN2 = 1.44269504088896338700e00
_LN2_HI = 6.93147180369123816490e-01  # ln 2 in two parts: k * _LN2_HI is exact for |k| < 2048
_LN2_LO = 1.90821492927058770002e-10
_C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12, _C13 = (1.0 / math.factorial(i) for i in range(3, 14))
_LG1, _LG2, _LG3, _LG4 = (6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01,
                          2.222219843214978396e-01)
_LG5, _LG6, _LG7 = 1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01
_MANTISSA = 0x000FFFFFFFFFFFFF
_ONE_BITS = 0x3FF0000000000000
_SQRT2_BITS = 0x3FF6A09E667F3BCD  # the bits of sqrt(2)
_SMALLEST = -708.0  # below it exp(x) * 2^-k would need a subnormal scale


@intrinsic
def _as_float(typingctx, bits):  # noqa: ANN001, ANN202, ARG001
    """The float64 whose bits are the int64 ``bits``."""
    if bits != types.int64:
        return None

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202, ARG001
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@intrinsic
def _as_int(typingctx, value):  # noqa: ANN001, ANN202, ARG001
    """The int64 whose bits are the float64 ``value``."""
    if value != types.float64:
        return None

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202, ARG001
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _fma(typingctx, a, b, c):  # noqa: ANN001, ANN202, ARG001
    """``a * b + c`` rounded once (LLVM's ``llvm.fma``: the processor's fused multiply-add, which the compiler
    vectorises; the same value on every machine)."""
    if not (a == types.float64 and b == types.float64 and c == types.float64):
        return None

    def codegen(context, builder, signature, args):  # noqa: ANN001, ANN202, ARG001
        double = ir.DoubleType()
        fma = cgutils.get_or_insert_function(builder.module, ir.FunctionType(double, [double] * 3), "llvm.fma.f64")
        return builder.call(fma, args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@numba.njit(cache=True, inline="always", error_model="numpy")
def exp_nonpositive(x):  # noqa: ANN001, ANN201
    """``exp(x)`` for ``-708 <= x <= 0``: fdlibm's reduction, Taylor's polynomial by fused multiply-adds.

    ``x = k ln 2 + r`` with ``|r| <= ln 2 / 2`` (fdlibm's two-part ``ln 2``), ``exp(r)`` by its Taylor
    polynomial of degree 13 (truncation below 5e-18 relative) in Horner's form with fused multiply-adds (no
    division: a vectorised division costs as much as the rest), times ``2^k`` built from its bits.

    Parameters
    ----------
    x
        A float in ``[-708, 0]`` (outside it the result is wrong: the caller clamps and patches).

    Returns
    -------
    float
        ``exp(x)`` within 1 ulp (correctly rounded in ~90 % of cases); exactly 1 at 0.

    References
    ----------
    Sun Microsystems fdlibm 5.3, ``e_exp.c`` (the argument reduction).

    Examples
    --------
    >>> import math
    >>> exp_nonpositive(0.0), abs(exp_nonpositive(-1.5) - math.exp(-1.5)) <= math.ulp(math.exp(-1.5))
    (1.0, True)
    """
    k = np.floor(x * _INVLN2 + 0.5)  # x = k ln2 + r, |r| <= ln2 / 2
    r = _fma(k, -_LN2_LO, _fma(k, -_LN2_HI, x))
    p = _fma(_fma(_fma(_fma(_C13, r, _C12), r, _C11), r, _C10), r, _C9)
    p = _fma(_fma(_fma(_fma(_fma(p, r, _C8), r, _C7), r, _C6), r, _C5), r, _C4)
    p = _fma(_fma(_fma(p, r, _C3), r, 0.5), r * r, r)  # exp(r) - 1
    return (1.0 + p) * _as_float((np.int64(k) + 1023) << 52)  # times 2^k, a normal number for k >= -1022


@numba.njit(cache=True, inline="always", error_model="numpy")
def log_normal(x):  # noqa: ANN001, ANN201
    """``log(x)`` for a positive normal float (fdlibm's ``__ieee754_log`` without its branches).

    Parameters
    ----------
    x
        A positive, finite, normal float (zero, subnormals, infinities and NaN are not handled).

    Returns
    -------
    float
        ``log(x)`` within 1 ulp (correctly rounded in ~92 % of cases); exactly 0 at 1.

    References
    ----------
    Sun Microsystems fdlibm 5.3, ``e_log.c``.

    Examples
    --------
    >>> import math
    >>> log_normal(1.0), abs(log_normal(3.0) - math.log(3.0)) <= math.ulp(math.log(3.0))
    (0.0, True)
    """
    bits = _as_int(x)
    k = (bits >> 52) - 1023
    m = (bits & _MANTISSA) | _ONE_BITS  # x = 2^k m, 1 <= m < 2
    big = m > _SQRT2_BITS  # m above sqrt(2): halve it, so that sqrt(2)/2 < m <= sqrt(2)
    m = m - (np.int64(1) << 52) if big else m
    k = k + 1 if big else k
    f = _as_float(m) - 1.0
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    t1 = w * (_LG2 + w * (_LG4 + w * _LG6))
    t2 = z * (_LG1 + w * (_LG3 + w * (_LG5 + w * _LG7)))
    hfsq = 0.5 * f * f
    dk = float(k)
    return dk * _LN2_HI - ((hfsq - (s * (hfsq + (t2 + t1)) + dk * _LN2_LO)) - f)


@numba.njit(cache=True, inline="always", error_model="numpy")
def squared_distances(coordinates, centre, out):  # noqa: ANN001, ANN201
    """``out[b]`` = the squared Euclidean distance from ``centre`` (p values) to point ``b`` of ``coordinates``
    (p, n), the squared differences summed over the dimensions in order (as scipy's ``pdist``), dimension by
    dimension over all the points (contiguous rows: the loops are vectorised). In the precision of the arrays
    (Ward's tree and the batched k-means++ seeding in double, the batched k-means assignment in single
    precision: :mod:`.ward`, :mod:`.batch`)."""
    p, n = coordinates.shape
    value = centre[0]
    for b in range(n):
        diff = coordinates[0, b] - value
        out[b] = diff * diff
    for c in range(1, p):
        value = centre[c]
        for b in range(n):
            diff = coordinates[c, b] - value
            out[b] += diff * diff
