"""The 2 x 2 typology of alliances in the start-up phase (Jaouen, Figure 2): axes, configurations, labels.

Two axes (section 3.1 of the paper):

- **link** (construct ``LINK``, dyad score ``link``): *social* (friendship, strong tie, wish for the
  partner's development, mutual help) at the high end versus *economic* (weak tie in Granovetter's sense,
  self-centred view of the partnership) at the low end;
- **interest** (construct ``SYM``, dyad score ``symmetry``): *symmetric* (both partners need the alliance
  equally; balanced contributions and benefits) at the high end versus *asymmetric* (one partner needs it
  much more) at the low end.

==================  ==================  ==================
\\                  economic link       social link
==================  ==================  ==================
symmetric interest  ``survie``          ``entraide``
asymmetric          ``contre_nature``   ``parrainage``
==================  ==================  ==================

The paper's four cases: CDCom - Internet Conseil = entraide; Palanautic - Plaisancia = parrainage;
Architek - Arkaban = survie; Cristal - Ferazur = contre_nature. The paper also ties trust to the link:
social-link alliances show *shared* trust, economic-link alliances *constrained* trust (section 3.2).

A crisp classification from scores calls :func:`quadrant_of` with ``social = link >= cut`` and
``symmetric = symmetry >= cut``; the default cut is the scale midpoint (:func:`scale_midpoint`, 4 on the
1-7 scale), a score exactly at the cut counting as high (see
:func:`alliance_stats.typology.classification.classify` for the full rule with other cuts and measures).

Example
-------
>>> quadrant_of(social=True, symmetric=False)
'parrainage'
>>> configuration_label("contre_nature", "en")
'Against nature'
>>> AXES["link"].dyad_column, AXES["interest"].construct
('link', 'SYM')

Reference: Jaouen (2006), "L'alliance stratégique en phase de démarrage : essai de modélisation et de
typologie", sections 3.1-3.2 and Figure 2.
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance_stats.core.i18n import LABELS, check_lang

__all__ = [
    "CONFIGURATIONS",
    "Axis",
    "AXES",
    "QUADRANTS",
    "CONFIGURATION_POLES",
    "EXPECTED_TRUST",
    "quadrant_of",
    "poles_of",
    "configuration_label",
    "configuration_labels",
    "scale_midpoint",
]

#: The four configurations, in the paper's reading order of Figure 2 (social column first).
CONFIGURATIONS: tuple[str, ...] = ("entraide", "parrainage", "survie", "contre_nature")


@dataclass(frozen=True)
class Axis:
    """One axis of the typology.

    Attributes
    ----------
    key
        ``"link"`` or ``"interest"``.
    construct
        The construct that measures it (``LINK`` or ``SYM``).
    dyad_column
        The dyad-level score (mean of both partners' construct scores): ``link`` or ``symmetry``.
    high, low
        The pole ids at the high and low end of the score.
    label, high_label, low_label
        French and English labels of the axis and of its poles.
    """

    key: str
    construct: str
    dyad_column: str
    high: str
    low: str
    label: dict[str, str]
    high_label: dict[str, str]
    low_label: dict[str, str]

    def pole(self, high: bool) -> str:
        """The pole id of a high (``True``) or low (``False``) score."""
        return self.high if high else self.low

    def pole_label(self, high: bool, lang: str = "en") -> str:
        """The label of the pole, in ``lang``."""
        return (self.high_label if high else self.low_label)[check_lang(lang)]


AXES: dict[str, Axis] = {
    "link": Axis(
        key="link",
        construct="LINK",
        dyad_column="link",
        high="social",
        low="economic",
        label={"fr": "Lien entre les partenaires", "en": "Link between the partners"},
        high_label={"fr": "Lien social", "en": "Social link"},
        low_label={"fr": "Lien économique", "en": "Economic link"},
    ),
    "interest": Axis(
        key="interest",
        construct="SYM",
        dyad_column="symmetry",
        high="symmetric",
        low="asymmetric",
        label={"fr": "Intérêt à s'allier", "en": "Interest in the alliance"},
        high_label={"fr": "Intérêts symétriques", "en": "Symmetric interest"},
        low_label={"fr": "Intérêts asymétriques", "en": "Asymmetric interest"},
    ),
}

#: (social link?, symmetric interest?) -> configuration id.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, True): "entraide",
    (True, False): "parrainage",
    (False, True): "survie",
    (False, False): "contre_nature",
}

#: configuration id -> (link pole, interest pole).
CONFIGURATION_POLES: dict[str, tuple[str, str]] = {
    config: (AXES["link"].pole(social), AXES["interest"].pole(symmetric))
    for (social, symmetric), config in QUADRANTS.items()
}

#: The trust the paper associates with each configuration (through its link): shared or constrained.
EXPECTED_TRUST: dict[str, str] = {
    config: "shared" if poles[0] == "social" else "constrained" for config, poles in CONFIGURATION_POLES.items()
}


def quadrant_of(social: bool, symmetric: bool) -> str:
    """The configuration of an alliance given its two poles.

    Parameters
    ----------
    social
        ``True`` for a social link, ``False`` for an economic link.
    symmetric
        ``True`` for symmetric interest, ``False`` for asymmetric interest.

    Returns
    -------
    str
        One of :data:`CONFIGURATIONS`.

    Example
    -------
    >>> [quadrant_of(s, y) for s in (True, False) for y in (True, False)]
    ['entraide', 'parrainage', 'survie', 'contre_nature']

    Reference: Jaouen (2006), Figure 2.
    """
    return QUADRANTS[(bool(social), bool(symmetric))]


def poles_of(configuration: str) -> tuple[bool, bool]:
    """Inverse of :func:`quadrant_of`: ``(social, symmetric)`` of a configuration id.

    >>> poles_of("survie")
    (False, True)
    """
    for poles, config in QUADRANTS.items():
        if config == configuration:
            return poles
    raise ValueError(f"unknown configuration {configuration!r}; expected one of {CONFIGURATIONS}")


def configuration_label(configuration: str, lang: str = "en") -> str:
    """The French or English label of a configuration (from :data:`alliance_stats.core.i18n.LABELS`).

    >>> configuration_label("entraide", "fr")
    'Entraide'
    """
    if configuration not in CONFIGURATIONS:
        raise ValueError(f"unknown configuration {configuration!r}; expected one of {CONFIGURATIONS}")
    return LABELS[configuration][check_lang(lang)]


def configuration_labels(lang: str = "en") -> dict[str, str]:
    """Every configuration id with its label in ``lang``, in :data:`CONFIGURATIONS` order."""
    return {config: configuration_label(config, lang) for config in CONFIGURATIONS}


def scale_midpoint(scale_min: float, scale_max: float) -> float:
    """The default cut of the crisp rule, ``(min + max) / 2`` (4.0 on a 1-7 scale).

    >>> scale_midpoint(1, 7)
    4.0
    """
    if not scale_min < scale_max:
        raise ValueError(f"scale min {scale_min} must be below max {scale_max}")
    return (scale_min + scale_max) / 2
