"""The survey instrument as a typed object (pydantic).

An :class:`Instrument` holds the response scales, the choice lists, the constructs of docs/design.md section 3,
the questionnaire sections and every variable in questionnaire order. It is built by
:func:`alliance_stats.instrument.loader.load_instrument` from a YAML file; the loader checks the
cross-references (constructs, scales, choice lists, skip conditions) and reports every problem with the
file and YAML line.

Skip logic is data, never code: a :class:`Condition` names a variable, a comparison operator and a value;
:class:`AllOf`, :class:`AnyOf`, :class:`NotOf` combine conditions and :class:`ConditionRef` points to a
named condition of the instrument. The exporters translate conditions into XLSForm ``relevant`` and
LimeSurvey relevance expressions; nothing is ever evaluated.

Example
-------
>>> from alliance_stats.instrument import default_instrument
>>> inst = default_instrument()
>>> inst.scales["agree7"].n_options
7
>>> [v.name for v in inst.items("SYM")][:2]
['SYM_1', 'SYM_2']

Reference: docs/design.md sections 3 and 7; XLSForm specification (https://xlsform.org); LimeSurvey
tab-separated survey structure (LimeSurvey manual, "Tab Separated Value survey structure").
"""

from __future__ import annotations

import warnings
import weakref
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from alliance_stats.core.errors import InstrumentError

__all__ = [
    "LANGS",
    "VARIABLE_TYPES",
    "OPERATORS",
    "Text",
    "Scale",
    "Choice",
    "Construct",
    "Condition",
    "AllOf",
    "AnyOf",
    "NotOf",
    "ConditionRef",
    "ConditionExpr",
    "Variable",
    "Section",
    "InstrumentMeta",
    "Instrument",
    "UnknownVariableError",
]

LANGS: tuple[str, ...] = ("fr", "en")
VARIABLE_TYPES: tuple[str, ...] = (
    "likert",
    "binary",
    "integer",
    "year",
    "date",
    "category",
    "multi",
    "text",
    "identifier",
)
OPERATORS: tuple[str, ...] = ("==", "!=", "<", "<=", ">", ">=", "selected")
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
CODE_PATTERN = r"^[A-Za-z0-9_]{1,32}$"


def _check_text(value: Any) -> dict[str, str]:
    """A translated text: exactly one non-empty string per language of :data:`LANGS`."""
    if not isinstance(value, dict):
        raise ValueError(f"expected a translated text with keys {', '.join(LANGS)}, got {type(value).__name__}")
    missing = [lang for lang in LANGS if lang not in value]
    if missing:
        raise ValueError(f"missing translation: no {' and no '.join(missing)!s} text")
    unknown = [key for key in value if key not in LANGS]
    if unknown:
        raise ValueError(f"unknown language key(s) {unknown}; allowed: {', '.join(LANGS)}")
    for lang in LANGS:
        text = value[lang]
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"missing translation: the {lang} text is empty or not a string")
    return {lang: value[lang] for lang in LANGS}


#: A text in French and English, e.g. ``{"fr": "Oui", "en": "Yes"}`` (checked by :func:`_check_text`).
Text = Annotated[dict[str, str], BeforeValidator(_check_text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


class Scale(_Model):
    """A labelled response scale (e.g. ``agree7``: 1 = strongly disagree ... 7 = strongly agree).

    ``labels`` maps each scale point to its label; ``missing`` maps declared missing-value codes (outside
    the scale, e.g. 99 = "don't know") to their labels.
    """

    id: str
    min: int
    max: int
    labels: dict[int, Text]
    missing: dict[int, Text] = Field(default_factory=dict)

    @property
    def n_options(self) -> int:
        """Number of scale points, ``max - min + 1``."""
        return self.max - self.min + 1

    @property
    def points(self) -> list[int]:
        """The scale points in increasing order."""
        return list(range(self.min, self.max + 1))

    @property
    def midpoint(self) -> float:
        """The scale midpoint, ``(min + max) / 2`` (4 on a 1-7 scale)."""
        return (self.min + self.max) / 2


class Choice(_Model):
    """One answer option of a choice list; ``code`` is text (``"1"``, ``"a"``, ``"skills"``)."""

    code: str = Field(pattern=CODE_PATTERN)
    label: Text

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Construct(_Model):
    """A measured construct (docs/design.md section 3)."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9]*$")
    label: Text
    definition: Text | None = None
    level: Literal["dyad", "firm"]
    answered_by: Literal["both", "each"]
    min_items: int = Field(ge=1)
    scale: str


class Condition(_Model):
    """``variable op value``, e.g. ``EMPLOYEES <= 10`` or ``SAT_RESOURCE selected "time"``."""

    variable: str
    op: Literal["==", "!=", "<", "<=", ">", ">=", "selected"]
    value: int | str

    @field_validator("value", mode="before")
    @classmethod
    def _no_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        return value


class AllOf(_Model):
    """Every condition holds."""

    all: list[ConditionExpr] = Field(min_length=1)


class AnyOf(_Model):
    """At least one condition holds."""

    any: list[ConditionExpr] = Field(min_length=1)


class NotOf(_Model):
    """The condition does not hold."""

    not_: ConditionExpr = Field(alias="not")


class ConditionRef(_Model):
    """A named condition of the instrument (``conditions:`` block)."""

    ref: str


ConditionExpr = Condition | AllOf | AnyOf | NotOf | ConditionRef
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def _normalise_condition(value: Any) -> Any:
    """A YAML list of conditions means "all of them"."""
    if isinstance(value, list):
        return {"all": value}
    return value


with warnings.catch_warnings():
    # the field ``construct`` (the contract's name) shadows pydantic's deprecated ``BaseModel.construct``
    warnings.filterwarnings("ignore", message='Field name "construct"', category=UserWarning)

    class Variable(_Model):
        """One variable of the questionnaire (one column of the responses).

        ``source`` says who provides the value: ``ask`` (the respondent answers), ``tool`` (the survey tool
        fills it: pseudonymous response id, questionnaire language), ``invitation`` (given in the personal
        invitation link, e.g. the dyad code; asked when the link does not carry it).
        """

        name: str = Field(pattern=NAME_PATTERN)
        type: Literal["likert", "binary", "integer", "year", "date", "category", "multi", "text", "identifier"]
        construct: str | None = None
        text: Text
        hint: Text | None = None
        reverse: bool = False
        scale: str | None = None
        choices: str | None = None
        min: int | None = None
        max: int | None = None
        missing_codes: list[int] = Field(default_factory=list)
        personal: bool = False
        required: bool = False
        level: Literal["firm", "dyad", "respondent"] = "firm"
        attention_expected: int | None = None
        show_if: ConditionExpr | None = None
        source: Literal["ask", "tool", "invitation"] = "ask"
        format: Literal["email"] | None = None
        section: str = ""


        @field_validator("show_if", mode="before")
        @classmethod
        def _condition(cls, value: Any) -> Any:
            return _normalise_condition(value)

        @property
        def is_item(self) -> bool:
            """True for a Likert item of a construct."""
            return self.type == "likert" and self.construct is not None


class Section(_Model):
    """A page / group of the questionnaire: a title, an optional introduction, its variables."""

    id: str = Field(pattern=NAME_PATTERN)
    title: Text
    intro: Text | None = None
    show_if: ConditionExpr | None = None
    variables: list[str] = Field(default_factory=list)

    @field_validator("show_if", mode="before")
    @classmethod
    def _condition(cls, value: Any) -> Any:
        return _normalise_condition(value)


class InstrumentMeta(_Model):
    """Identity of the questionnaire (XLSForm settings, LimeSurvey survey settings)."""

    id: str = Field(pattern=NAME_PATTERN)
    version: str
    title: Text
    description: Text | None = None
    default_language: Literal["fr", "en"] = "fr"

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class UnknownVariableError(InstrumentError, KeyError):
    """A variable name that the instrument does not define (an :class:`InstrumentError` and a KeyError)."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return InstrumentError.__str__(self)


@dataclass(frozen=True)
class _Index:
    """What :meth:`Instrument.variable`, :meth:`~Instrument.items`, :meth:`~Instrument.likert_items` and
    :meth:`~Instrument.attention_items` look up, found in one pass over the variables (each used to rescan the
    list: about 60 microseconds a call, called hundreds of times per chunk of the power analysis)."""

    by_name: dict[str, Variable]
    items: dict[str, tuple[Variable, ...]]
    likert: tuple[Variable, ...]
    attention: tuple[Variable, ...]

    @classmethod
    def of(cls, variables: list[Variable]) -> _Index:
        by_name: dict[str, Variable] = {}
        items: dict[str, list[Variable]] = {}
        for var in variables:
            by_name.setdefault(var.name, var)  # the first of a repeated name, as the scan found it
            if var.is_item:
                items.setdefault(var.construct or "", []).append(var)
        return cls(by_name=by_name, items={code: tuple(vs) for code, vs in items.items()},
                   likert=tuple(var for var in variables if var.is_item),
                   attention=tuple(var for var in variables if var.attention_expected is not None))


#: The :class:`_Index` of each live instrument, by ``id``: (weak reference, the list of variables it was built
#: from as (id, length), index). Outside the model so that it is neither compared, copied nor serialised with
#: it. An instrument is not modified once loaded; a list of variables replaced or extended (``inst.variables +=
#: [...]`` on a copy, as a test does) is noticed and the index rebuilt.
_INDEXES: dict[int, tuple[weakref.ref[Any], tuple[int, int], _Index]] = {}


class Instrument(_Model):
    """The survey instrument.

    Attributes
    ----------
    meta
        Identity (id, version, title, default language).
    scales, choices, constructs
        Keyed by id / code.
    conditions
        Named skip conditions (e.g. ``eligible``).
    sections
        Questionnaire sections in order, each listing its variable names.
    variables
        Every variable in questionnaire order.
    source
        The file it was loaded from (``None`` when built in memory).
    """

    meta: InstrumentMeta
    scales: dict[str, Scale]
    choices: dict[str, list[Choice]]
    constructs: dict[str, Construct]
    conditions: dict[str, ConditionExpr] = Field(default_factory=dict)
    sections: list[Section]
    variables: list[Variable]
    source: str | None = None

    def _index(self) -> _Index:
        """The variables by name, by construct and by kind (:class:`_Index`), built once per list of variables."""
        key = (id(self.variables), len(self.variables))
        entry = _INDEXES.get(id(self))
        if entry is None or entry[0]() is not self or entry[1] != key:
            index = _Index.of(self.variables)
            ref = weakref.ref(self, lambda _, k=id(self): _INDEXES.pop(k, None))
            _INDEXES[id(self)] = entry = (ref, key, index)
        return entry[2]

    def variable(self, name: str) -> Variable:
        """The variable called ``name``; raises :class:`UnknownVariableError` when there is none."""
        var = self._index().by_name.get(name)
        if var is not None:
            return var
        raise UnknownVariableError(
            f"the instrument has no variable {name!r}",
            file=self.source,
            value=name,
            fix="use one of the variable names of the codebook (alliance-stats survey export --format "
            "codebook-csv)",
        )

    def variable_names(self) -> list[str]:
        """Every variable name, in questionnaire order."""
        return [var.name for var in self.variables]

    def items(self, code: str) -> list[Variable]:
        """The Likert items of construct ``code``, in questionnaire order."""
        if code not in self.constructs:
            raise InstrumentError(
                f"unknown construct {code!r}", file=self.source, value=code,
                fix=f"use one of {', '.join(self.constructs)}",
            )
        return list(self._index().items.get(code, ()))

    def likert_items(self) -> list[Variable]:
        """Every Likert item of every construct (attention items excluded), in questionnaire order."""
        return list(self._index().likert)

    def reverse_keyed_items(self) -> list[str]:
        """Names of the reverse-keyed items (to *reverse the scores*, use
        :func:`alliance_stats.data.reverse_items`)."""
        return [var.name for var in self.variables if var.is_item and var.reverse]

    def personal_variables(self) -> list[str]:
        """Names of the variables holding personal data (names, e-mail)."""
        return [var.name for var in self.variables if var.personal]

    def attention_items(self) -> list[Variable]:
        """The instructed-response items (``attention_expected`` set)."""
        return list(self._index().attention)

    def construct_codes(self) -> list[str]:
        """Construct codes in the instrument's order."""
        return list(self.constructs)

    def section(self, section_id: str) -> Section:
        """The section with id ``section_id``."""
        for sec in self.sections:
            if sec.id == section_id:
                return sec
        raise InstrumentError(f"unknown section {section_id!r}", file=self.source, value=section_id)

    def resolve(self, condition: ConditionExpr) -> ConditionExpr:
        """``condition`` with every :class:`ConditionRef` replaced by the named condition."""
        if isinstance(condition, ConditionRef):
            return self.resolve(self.conditions[condition.ref])
        if isinstance(condition, AllOf):
            return AllOf(all=[self.resolve(c) for c in condition.all])
        if isinstance(condition, AnyOf):
            return AnyOf(any=[self.resolve(c) for c in condition.any])
        if isinstance(condition, NotOf):
            return NotOf(**{"not": self.resolve(condition.not_)})
        return condition

    def value_labels(self, name: str) -> dict[str, dict[str, str]]:
        """Value labels of variable ``name`` as ``{code as text: {"fr": ..., "en": ...}}``.

        Likert: every scale point plus the declared missing codes; binary/category/multi: the choice
        list; other types: an empty dict.
        """
        var = self.variable(name)
        if var.type == "likert" and var.scale is not None:
            scale = self.scales[var.scale]
            labels = {str(k): v for k, v in scale.labels.items()}
            for code in var.missing_codes:
                if code in scale.missing:
                    labels[str(code)] = scale.missing[code]
            return labels
        if var.choices is not None:
            return {choice.code: choice.label for choice in self.choices[var.choices]}
        return {}
