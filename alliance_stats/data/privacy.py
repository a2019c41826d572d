"""Personal data: salted pseudonyms for identifier variables (docs/design.md section 7).

The instrument marks the variables that hold personal data (``personal: true``: firm name, respondent name,
e-mail). :func:`read_responses <alliance_stats.data.readers.read_responses>` replaces every value of those
variables by a pseudonym as soon as the file is read, so no later stage ever receives a name or an e-mail.
E-mail addresses typed into any other text cell are replaced as well (:func:`scrub_emails`).

The pseudonym is ``"ps_"`` followed by the first 16 hexadecimal digits (64 bits) of
HMAC-SHA-256(key = salt, message = normalised value), where the value is normalised to Unicode NFC, surrounding
white space removed, inner white space collapsed and case folded (so ``" Zoé  QUINTAL "`` and ``"zoé quintal"``
get the same pseudonym). HMAC is the standard way to salt a hash: without the salt the pseudonym cannot be
recomputed from a guessed name (a plain unsalted SHA-256 of a name can be reversed by hashing a list of names).

The salt
--------
- ``salt=None`` (default): a random salt drawn once per Python process (:func:`run_salt`, 128 bits from
  :mod:`secrets`). Within one run the same name always gets the same pseudonym (so the two partners' firm
  names can still be compared), but pseudonyms differ from one run to the next and cannot be linked across
  runs. The salt is never written anywhere.
- ``salt="..."``: a salt you keep secret, **outside** the data and report folders, when pseudonyms must be
  stable across runs (e.g. to merge a follow-up wave). Anyone holding the salt can test a guessed name.

Example
-------
>>> import pandas as pd
>>> names = pd.Series(["Zoé Quintal-Brisebois", None, "zoé  quintal-brisebois "])
>>> ps = pseudonymise(names, salt="secret")
>>> ps[0] == ps[2], ps[0].startswith("ps_"), len(ps[0]), pd.isna(ps[1])
(True, True, 19, True)

Reference: RFC 2104 (HMAC); EU GDPR art. 4(5) (pseudonymisation); docs/design.md section 7.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["PSEUDONYM_PREFIX", "pseudonymise", "pseudonymise_value", "run_salt", "scrub_emails", "EMAIL_PATTERN"]

PSEUDONYM_PREFIX = "ps_"
_DIGITS = 16
_RUN_SALT: str | None = None

#: A pragmatic e-mail pattern (local part @ domain with a dot), used to scrub addresses from free text.
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")


def run_salt() -> str:
    """The random salt of this run (drawn once per process with :func:`secrets.token_hex`, never stored).

    Parameters
    ----------
    None

    Returns
    -------
    str
        32 hexadecimal characters, the same for every call in this process.

    References
    ----------
    Python :mod:`secrets`; RFC 2104 (HMAC keys).

    Examples
    --------
    >>> run_salt() == run_salt()
    True
    """
    global _RUN_SALT
    if _RUN_SALT is None:
        _RUN_SALT = secrets.token_hex(16)
    return _RUN_SALT


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()).casefold()


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def pseudonymise_value(value: Any, salt: str | bytes) -> str | float:
    """Pseudonym of one value (``nan`` for a missing or blank value).

    Parameters
    ----------
    value
        A name, e-mail or identifier (compared after Unicode NFC, whitespace and case folding).
    salt
        The HMAC key (see :func:`run_salt`).

    Returns
    -------
    str or float
        ``ps_`` followed by the first hexadecimal digits of HMAC-SHA-256; ``nan`` for a missing value.

    References
    ----------
    RFC 2104 (HMAC); EU GDPR art. 4(5) (pseudonymisation).

    Examples
    --------
    >>> pseudonymise_value("a@b.org", "s") == pseudonymise_value(" A@B.org", "s")
    True
    """
    if _is_missing(value):
        return np.nan
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    key = salt if isinstance(salt, bytes) else str(salt).encode("utf-8")
    digest = hmac.new(key, _normalise(str(value)).encode("utf-8"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:_DIGITS]


def pseudonymise(values: pd.Series, salt: str | bytes | None = None) -> pd.Series:
    """Replace each value by its salted pseudonym.

    Parameters
    ----------
    values
        Names, e-mail addresses or any identifying text; missing values stay missing.
    salt
        Secret key of the HMAC; ``None`` uses the random salt of this run (:func:`run_salt`).

    Returns
    -------
    pandas.Series
        Same index and name, dtype ``str``: ``"ps_"`` + 16 hexadecimal digits, ``nan`` where missing.

    References
    ----------
    RFC 2104 (HMAC); EU GDPR art. 4(5) (pseudonymisation); docs/design.md section 7.

    Examples
    --------
    >>> import pandas as pd
    >>> pseudonymise(pd.Series(["Jean"]), salt="k").str.len().tolist()
    [19]
    """
    key = run_salt() if salt is None else salt
    out = [pseudonymise_value(v, key) for v in values.tolist()]
    return pd.Series(out, index=values.index, name=values.name, dtype="str")


def scrub_emails(text: Any, salt: str | bytes | None = None) -> Any:
    """Replace every e-mail address inside ``text`` by ``<email ps_...>``; other values pass unchanged.

    Parameters
    ----------
    text
        Any value; only strings are scrubbed.
    salt
        The HMAC key (default :func:`run_salt`).

    Returns
    -------
    Any
        ``text`` with each address replaced by its pseudonym.

    References
    ----------
    RFC 5322 (address syntax, simplified); EU GDPR art. 4(5).

    Examples
    --------
    >>> scrub_emails("write to zoe@example.org please", salt="k").startswith("write to <email ps_")
    True
    >>> scrub_emails(3.0)
    3.0
    """
    if not isinstance(text, str) or "@" not in text:
        return text
    key = run_salt() if salt is None else salt
    stripped = text.strip()
    if EMAIL_PATTERN.fullmatch(stripped):
        return pseudonymise_value(stripped, key)
    return EMAIL_PATTERN.sub(lambda m: f"<email {pseudonymise_value(m.group(0), key)}>", text)
