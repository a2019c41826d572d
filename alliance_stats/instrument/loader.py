"""Load and check a survey instrument written in YAML.

The file is parsed with PyYAML's *safe* loader (no Python object tags, nothing evaluated) through
``SafeLoader.get_single_node`` so that every mapping key and list entry keeps its line number; each
problem is reported as :class:`alliance_stats.core.errors.InstrumentError` naming the file, the YAML line, what is
wrong and how to fix it.

Rejected (one error, the first found, in file order):

- invalid YAML; a key given twice in one mapping; a missing or unknown field;
- a missing translation (every text needs a non-empty ``fr`` and ``en``);
- a scale with ``min >= max``, a value label outside the scale, a missing code inside the scale;
- duplicate variable names or section ids; an unknown variable type;
- an item whose construct is unknown; a Likert variable with neither construct nor attention answer;
- an unknown scale or choice list; a binary variable whose choice list is not ``0``/``1``;
- a Likert construct with fewer items than its minimum or without a reverse-keyed item;
- a skip condition (``show_if``) naming an unknown variable or condition, a variable asked later, an
  operator that does not fit the variable's type, or a value that is not one of its codes.

YAML 1.1 reads ``yes``/``no``/``on``/``off`` as booleans; this loader keeps them as text (only ``true``
and ``false`` are booleans), so that an English label ``No`` stays ``"No"``.

Example
-------
>>> from alliance_stats.instrument import default_instrument
>>> inst = default_instrument()
>>> len(inst.items("LINK")) >= inst.constructs["LINK"].min_items
True

Reference: PyYAML 6 ``SafeLoader``; docs/design.md sections 3 and 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from alliance_stats.core.errors import InstrumentError
from alliance_stats.core.yamlio import load_yaml_text
from alliance_stats.instrument.model import (
    OPERATORS,
    VARIABLE_TYPES,
    AllOf,
    AnyOf,
    Choice,
    Condition,
    ConditionExpr,
    ConditionRef,
    Construct,
    Instrument,
    InstrumentMeta,
    NotOf,
    Scale,
    Section,
    Variable,
)

__all__ = [
    "load_instrument", "parse_instrument", "default_instrument", "DEFAULT_INSTRUMENT_PATH", "SEED_CASES_PATH",
]

#: The package's data folder (installed with the wheel): the default instrument and the paper's four cases.
PACKAGE_DATA = resources.files("alliance_stats.instrument") / "data"
#: The default instrument shipped inside the package (``surveys/alliance_startup.yaml`` is the user's copy; a
#: test keeps the two identical).
DEFAULT_INSTRUMENT_PATH = Path(str(PACKAGE_DATA / "alliance_startup.yaml"))
#: The paper's four cases (eight firms) shipped inside the package (copy of ``surveys/seed_cases.csv``).
SEED_CASES_PATH = Path(str(PACKAGE_DATA / "seed_cases.csv"))

Path_ = tuple[Any, ...]
_TOP_KEYS = ("instrument", "scales", "choices", "constructs", "conditions", "sections")
_SECTION_DEFAULT_KEYS = ("type", "construct", "required", "level", "source", "personal")
_NUMERIC_TYPES = ("likert", "binary", "integer", "year")


# ----------------------------------------------------------------------------------------- YAML + lines


class _Located:
    """Python data built from YAML nodes plus ``lines``: path tuple -> 1-based line."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[Path_, int] = {}

    def line(self, path: Path_) -> int | None:
        """Line of ``path`` or of its closest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, message: str, path: Path_, *, value: Any = None, fix: str | None = None) -> InstrumentError:
        return InstrumentError(message, file=self.file, line=self.line(path), value=value, fix=fix)


def _read_yaml(text: str, file: str) -> tuple[Any, _Located]:
    data, lines = load_yaml_text(text, file, InstrumentError)
    if data is None:
        raise InstrumentError("the instrument file is empty", file=file, line=1,
                              fix="start from surveys/alliance_startup.yaml")
    loc = _Located(file)
    loc.lines = lines
    return data, loc


# -------------------------------------------------------------------------------------- validation


def _pydantic(model: type[BaseModel], data: Any, path: Path_, loc: _Located, what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        rel = tuple(part for part in first["loc"] if not (isinstance(part, str) and part[:1].isupper()
                                                           and part not in (data or {})))
        field = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "missing":
            message = "field required"
        elif first["type"] == "extra_forbidden":
            message = "unknown field"
        elif first["type"] == "literal_error" and "missing translation" not in message:
            message = f"invalid value ({message})"
        where = f"{what}, field {field!r}" if field else what
        raise loc.error(f"{where}: {message}", path + rel, value=first.get("input") if first["type"] not in (
            "missing", "model_type", "dict_type") else None) from None


def _require_mapping(data: Any, path: Path_, loc: _Located, what: str) -> dict[Any, Any]:
    if not isinstance(data, dict):
        raise loc.error(f"{what} must be a mapping (key: value lines)", path)
    return data


def _require_list(data: Any, path: Path_, loc: _Located, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise loc.error(f"{what} must be a list (lines starting with '- ')", path)
    return data


def _parse_condition(raw: Any, path: Path_, loc: _Located) -> ConditionExpr:
    """Turn a YAML condition into condition objects (structure only; names are checked later)."""
    if isinstance(raw, list):
        if not raw:
            raise loc.error("an empty condition list", path, fix="give at least one condition or remove show_if")
        return AllOf(all=[_parse_condition(item, path + (i,), loc) for i, item in enumerate(raw)])
    if not isinstance(raw, dict):
        raise loc.error(
            "a condition must be a mapping such as {variable: EMPLOYEES, op: '<=', value: 10}", path, value=raw
        )
    keys = set(raw)
    if keys == {"all"} or keys == {"any"}:
        (key,) = keys
        items = _require_list(raw[key], path + (key,), loc, f"'{key}'")
        if not items:
            raise loc.error(f"'{key}' needs at least one condition", path + (key,))
        parsed = [_parse_condition(item, path + (key, i), loc) for i, item in enumerate(items)]
        return AllOf(all=parsed) if key == "all" else AnyOf(any=parsed)
    if keys == {"not"}:
        return NotOf(**{"not": _parse_condition(raw["not"], path + ("not",), loc)})
    if keys == {"ref"}:
        if not isinstance(raw["ref"], str):
            raise loc.error("'ref' must name a condition of the 'conditions' block", path + ("ref",))
        return ConditionRef(ref=raw["ref"])
    if keys == {"variable", "op", "value"}:
        if raw["op"] not in OPERATORS:
            raise loc.error(
                f"unknown operator {raw['op']!r}", path + ("op",), value=raw["op"],
                fix=f"use one of {', '.join(OPERATORS)}",
            )
        if isinstance(raw["value"], dict | list) or raw["value"] is None:
            raise loc.error("a condition value must be a number or a code", path + ("value",), value=raw["value"])
        return _pydantic(Condition, raw, path, loc, "condition")
    raise loc.error(
        f"a condition has keys {sorted(str(k) for k in keys)}; expected variable/op/value, all, any, not or ref",
        path,
        fix="write e.g. {variable: EMPLOYEES, op: '<=', value: 10}",
    )


def _check_condition(
    cond: ConditionExpr,
    path: Path_,
    loc: _Located,
    known: dict[str, Variable],
    inst_choices: dict[str, list[Choice]],
    conditions: dict[str, ConditionExpr],
    where: str,
) -> None:
    """Names exist and were asked before ``where``; operators and values fit the variable."""
    if isinstance(cond, AllOf | AnyOf):
        for index, sub in enumerate(cond.all if isinstance(cond, AllOf) else cond.any):
            sub_path = path + (("all" if isinstance(cond, AllOf) else "any"), index)
            if sub_path not in loc.lines:
                sub_path = path + (index,)
            _check_condition(sub, sub_path, loc, known, inst_choices, conditions, where)
        return
    if isinstance(cond, NotOf):
        _check_condition(cond.not_, path + ("not",), loc, known, inst_choices, conditions, where)
        return
    if isinstance(cond, ConditionRef):
        if cond.ref not in conditions:
            raise loc.error(
                f"show_if of {where} refers to an unknown condition {cond.ref!r}", path + ("ref",),
                value=cond.ref, fix=f"define it under 'conditions' (known: {', '.join(conditions) or 'none'})",
            )
        return
    var = known.get(cond.variable)
    if var is None:
        raise loc.error(
            f"show_if of {where} names unknown variable {cond.variable!r}", path + ("variable",),
            value=cond.variable,
            fix="name a variable defined (and asked) before this point of the questionnaire",
        )
    if cond.op == "selected":
        if var.type != "multi":
            raise loc.error(
                f"operator 'selected' needs a multi-choice variable; {var.name} is {var.type}", path + ("op",),
                fix="use == for single-choice and numeric variables",
            )
    elif var.type in ("multi", "text", "identifier", "date") and cond.op != "==" and cond.op != "!=":
        raise loc.error(f"operator {cond.op!r} does not apply to {var.type} variable {var.name}", path + ("op",))
    if var.choices is not None:
        codes = [c.code for c in inst_choices[var.choices]]
        if str(cond.value) not in codes:
            raise loc.error(
                f"value {cond.value!r} is not a code of {var.name} (choice list {var.choices!r})",
                path + ("value",), value=cond.value, fix=f"use one of {', '.join(codes)}",
            )
    elif var.type in _NUMERIC_TYPES and not isinstance(cond.value, int):
        raise loc.error(f"{var.name} is numeric; the condition value must be a number", path + ("value",),
                        value=cond.value)


def _check_scale(scale: Scale, path: Path_, loc: _Located) -> None:
    if scale.min >= scale.max:
        raise loc.error(
            f"scale {scale.id!r} has min {scale.min} >= max {scale.max}", path + ("max",),
            fix="give the lowest point as min and the highest as max, e.g. min: 1, max: 7",
        )
    for point in scale.labels:
        if not scale.min <= point <= scale.max:
            raise loc.error(
                f"scale {scale.id!r} has a value label for {point}, outside its range {scale.min}-{scale.max}",
                path + ("labels", point), value=point,
                fix="label only the points from min to max; declare codes such as 99 under 'missing'",
            )
    for code in scale.missing:
        if scale.min <= code <= scale.max:
            raise loc.error(
                f"missing-value code {code} of scale {scale.id!r} lies inside the scale {scale.min}-{scale.max}",
                path + ("missing", code), value=code, fix="use a code outside the scale, e.g. 99",
            )


def parse_instrument(text: str, file: str = "<string>") -> Instrument:
    """Parse and check an instrument from YAML text.

    Parameters
    ----------
    text
        The YAML document.
    file
        Name used in error messages.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        The first problem found, with file and YAML line.

    References
    ----------
    PyYAML 6 ``SafeLoader``; docs/design.md sections 3 and 7.

    Examples
    --------
    >>> inst = parse_instrument(DEFAULT_INSTRUMENT_PATH.read_text(encoding="utf-8"))
    >>> inst.source is None, len(inst.construct_codes()) > 0
    (True, True)
    """
    data, loc = _read_yaml(text, file)
    data = _require_mapping(data, (), loc, "the instrument file")
    _check_top_level(data, loc)
    meta = _pydantic(InstrumentMeta, _require_mapping(data["instrument"], ("instrument",), loc, "'instrument'"),
                     ("instrument",), loc, "instrument")
    parts = _Parts(scales=_parse_scales(data, loc), choices=_parse_choices(data, loc), loc=loc)
    parts.constructs = _parse_constructs(data, loc, parts.scales)
    for name, raw in _require_mapping(data.get("conditions") or {}, ("conditions",), loc, "'conditions'").items():
        parts.conditions[str(name)] = _parse_condition(raw, ("conditions", name), loc)
    for s_index, raw_section in enumerate(_require_list(data["sections"], ("sections",), loc, "'sections'")):
        _parse_section(parts, s_index, raw_section)
    _check_skip_logic(parts)
    _check_constructs_have_items(parts)
    return Instrument(
        meta=meta, scales=parts.scales, choices=parts.choices, constructs=parts.constructs,
        conditions=parts.conditions, sections=parts.sections, variables=parts.variables,
        source=None if file == "<string>" else file,
    )


@dataclass
class _Parts:
    """What :func:`parse_instrument` has parsed so far (the blocks, then the sections one by one)."""

    scales: dict[str, Scale]
    choices: dict[str, list[Choice]]
    loc: _Located
    constructs: dict[str, Construct] = field(default_factory=dict)
    conditions: dict[str, ConditionExpr] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    var_paths: dict[str, Path_] = field(default_factory=dict)
    known: dict[str, Variable] = field(default_factory=dict)
    # (condition, YAML path, the variables asked before it, where) checked once every block is known
    pending: list[tuple[ConditionExpr, Path_, dict[str, Variable], str]] = field(default_factory=list)


def _check_top_level(data: dict[Any, Any], loc: _Located) -> None:
    for key in data:
        if key not in _TOP_KEYS:
            raise loc.error(f"unknown top-level block {key!r}", (key,), value=key,
                            fix=f"top-level blocks are {', '.join(_TOP_KEYS)}")
    for key in ("instrument", "scales", "constructs", "sections"):
        if key not in data:
            raise loc.error(f"the '{key}' block is missing", (), fix=f"add a top-level '{key}:' block")


def _parse_scales(data: dict[Any, Any], loc: _Located) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    for sid, raw in _require_mapping(data["scales"], ("scales",), loc, "'scales'").items():
        raw = _require_mapping(raw, ("scales", sid), loc, f"scale {sid!r}")
        scale = _pydantic(Scale, {"id": str(sid), **raw}, ("scales", sid), loc, f"scale {sid!r}")
        _check_scale(scale, ("scales", sid), loc)
        scales[str(sid)] = scale
    return scales


def _parse_choices(data: dict[Any, Any], loc: _Located) -> dict[str, list[Choice]]:
    choices: dict[str, list[Choice]] = {}
    for lid, raw in _require_mapping(data.get("choices") or {}, ("choices",), loc, "'choices'").items():
        options = _require_list(raw, ("choices", lid), loc, f"choice list {lid!r}")
        parsed: list[Choice] = []
        for index, option in enumerate(options):
            choice = _pydantic(Choice, option, ("choices", lid, index), loc, f"choice list {lid!r}")
            if any(c.code == choice.code for c in parsed):
                raise loc.error(f"choice list {lid!r} has code {choice.code!r} twice", ("choices", lid, index),
                                value=choice.code)
            parsed.append(choice)
        if not parsed:
            raise loc.error(f"choice list {lid!r} is empty", ("choices", lid))
        choices[str(lid)] = parsed
    return choices


def _parse_constructs(data: dict[Any, Any], loc: _Located, scales: dict[str, Scale]) -> dict[str, Construct]:
    constructs: dict[str, Construct] = {}
    for code, raw in _require_mapping(data["constructs"], ("constructs",), loc, "'constructs'").items():
        raw = _require_mapping(raw, ("constructs", code), loc, f"construct {code!r}")
        construct = _pydantic(Construct, {"code": str(code), **raw}, ("constructs", code), loc,
                              f"construct {code!r}")
        if construct.scale not in scales:
            raise loc.error(f"construct {code!r} uses unknown scale {construct.scale!r}",
                            ("constructs", code, "scale"), value=construct.scale,
                            fix=f"use one of {', '.join(scales)}")
        constructs[str(code)] = construct
    return constructs


def _parse_section(parts: _Parts, s_index: int, raw_section: Any) -> None:
    """One section and its variables (section defaults applied), appended to ``parts``."""
    loc = parts.loc
    s_path: Path_ = ("sections", s_index)
    raw_section = dict(_require_mapping(raw_section, s_path, loc, "a section"))
    defaults = _require_mapping(raw_section.pop("defaults", None) or {}, s_path + ("defaults",), loc, "'defaults'")
    for key in defaults:
        if key not in _SECTION_DEFAULT_KEYS:
            raise loc.error(f"unknown section default {key!r}", s_path + ("defaults", key), value=key,
                            fix=f"defaults may set {', '.join(_SECTION_DEFAULT_KEYS)}")
    raw_vars = _require_list(raw_section.pop("variables", None) or [], s_path + ("variables",), loc, "'variables'")
    show_if = raw_section.pop("show_if", None)
    section = _pydantic(Section, raw_section, s_path, loc, f"section {raw_section.get('id', s_index)!r}")
    if any(s.id == section.id for s in parts.sections):
        raise loc.error(f"section id {section.id!r} is used twice", s_path + ("id",), value=section.id)
    if show_if is not None:
        section.show_if = _parse_condition(show_if, s_path + ("show_if",), loc)
        parts.pending.append((section.show_if, s_path + ("show_if",), dict(parts.known), f"section {section.id}"))
    for v_index, raw_var in enumerate(raw_vars):
        var = _parse_variable(parts, section, defaults, s_path + ("variables", v_index), raw_var)
        parts.variables.append(var)
        section.variables.append(var.name)
    parts.sections.append(section)


def _parse_variable(parts: _Parts, section: Section, defaults: dict[Any, Any], v_path: Path_,
                    raw_var: Any) -> Variable:
    loc = parts.loc
    raw_var = _require_mapping(raw_var, v_path, loc, "a variable")
    merged = {**defaults, **raw_var}
    name = merged.get("name")
    vtype = merged.get("type")
    if vtype is not None and vtype not in VARIABLE_TYPES:
        raise loc.error(
            f"variable {name!r} has unknown type {vtype!r}", v_path + ("type",), value=vtype,
            fix=f"use one of {', '.join(VARIABLE_TYPES)}",
        )
    var_show_if = merged.pop("show_if", None)
    var = _pydantic(Variable, {**merged, "section": section.id}, v_path, loc, f"variable {name!r}")
    if var.name in parts.var_paths:
        raise loc.error(
            f"duplicate variable name {var.name!r} (first defined at line {loc.line(parts.var_paths[var.name])})",
            v_path + ("name",), value=var.name, fix="give every variable a unique name",
        )
    _complete_variable(var, v_path, loc, parts, defaults)
    if var_show_if is not None:
        var.show_if = _parse_condition(var_show_if, v_path + ("show_if",), loc)
        parts.pending.append((var.show_if, v_path + ("show_if",), dict(parts.known), f"variable {var.name}"))
    parts.var_paths[var.name] = v_path
    parts.known[var.name] = var
    return var


def _check_skip_logic(parts: _Parts) -> None:
    """Named conditions refer to known variables without cycles; each show_if only to questions asked before."""
    loc, conditions = parts.loc, parts.conditions
    for name, cond in conditions.items():
        _check_condition(cond, ("conditions", name), loc, parts.known, parts.choices, conditions,
                         f"condition {name!r}")
        _check_no_cycle(name, conditions, loc)
    for cond, path, known_before, where in parts.pending:
        _check_condition(cond, path, loc, known_before, parts.choices, conditions, where)
        _check_refs_asked_before(cond, path, loc, known_before, conditions, where)


def _check_constructs_have_items(parts: _Parts) -> None:
    for code, construct in parts.constructs.items():
        items = [v for v in parts.variables if v.is_item and v.construct == code]
        if len(items) < construct.min_items:
            raise parts.loc.error(
                f"construct {code} has {len(items)} Likert item(s); it needs at least {construct.min_items}",
                ("constructs", code), value=code, fix=f"add items named {code}_<n> with construct: {code}",
            )
        if not any(v.reverse for v in items):
            raise parts.loc.error(
                f"construct {code} has no reverse-keyed item", ("constructs", code), value=code,
                fix="word at least one item in the opposite direction and mark it 'reverse: true'",
            )


def _complete_variable(var: Variable, path: Path_, loc: _Located, parts: _Parts, defaults: dict[str, Any]) -> None:
    """Fill scale/level/missing codes from the construct and scale; check cross-references."""
    scales, choices, constructs = parts.scales, parts.choices, parts.constructs
    raw = {k for k in loc.lines if len(k) == len(path) + 1 and k[: len(path)] == path}
    given = {k[-1] for k in raw} | set(defaults)
    if var.construct is not None:
        if var.construct not in constructs:
            raise loc.error(
                f"item {var.name} names unknown construct {var.construct!r}", path + ("construct",),
                value=var.construct, fix=f"use one of {', '.join(constructs)}",
            )
        construct = constructs[var.construct]
        if var.type != "likert":
            raise loc.error(f"item {var.name} of construct {var.construct} must have type likert",
                            path + ("type",), value=var.type)
        if var.scale is None:
            var.scale = construct.scale
        if "level" not in given:
            var.level = construct.level
    if var.type == "likert":
        if var.construct is None and var.attention_expected is None:
            raise loc.error(
                f"Likert variable {var.name} has no construct", path + ("construct",),
                fix="name its construct, or give 'attention_expected' for an instructed-response item",
            )
        if var.scale is None:
            raise loc.error(f"Likert variable {var.name} has no scale", path, fix="add 'scale: agree7'")
        if var.scale not in scales:
            raise loc.error(f"variable {var.name} uses unknown scale {var.scale!r}", path + ("scale",),
                            value=var.scale, fix=f"use one of {', '.join(scales)}")
        scale = scales[var.scale]
        if "missing_codes" not in given:
            var.missing_codes = sorted(scale.missing)
        for code in var.missing_codes:
            if code not in scale.missing:
                raise loc.error(f"missing code {code} of {var.name} is not declared by scale {scale.id!r}",
                                path + ("missing_codes",), value=code,
                                fix=f"declare it under scales: {scale.id}: missing:")
        if var.attention_expected is not None and not scale.min <= var.attention_expected <= scale.max:
            raise loc.error(f"attention answer {var.attention_expected} of {var.name} is outside the scale",
                            path + ("attention_expected",), value=var.attention_expected)
    elif var.scale is not None:
        raise loc.error(f"only Likert variables take a scale; {var.name} is {var.type}", path + ("scale",))
    if var.reverse and not var.is_item:
        raise loc.error(f"only construct items can be reverse-keyed; {var.name} is not one", path + ("reverse",))
    if var.attention_expected is not None and var.construct is not None:
        raise loc.error(f"attention item {var.name} must not belong to a construct", path + ("construct",),
                        fix="write 'construct: null'")
    if var.type in ("binary", "category", "multi"):
        if var.choices is None:
            raise loc.error(f"{var.type} variable {var.name} needs a choice list", path,
                            fix=f"add 'choices: <list id>' (known: {', '.join(choices)})")
        if var.choices not in choices:
            raise loc.error(f"variable {var.name} uses unknown choice list {var.choices!r}", path + ("choices",),
                            value=var.choices, fix=f"use one of {', '.join(choices) or 'none defined'}")
        if var.type == "binary" and sorted(c.code for c in choices[var.choices]) != ["0", "1"]:
            raise loc.error(f"binary variable {var.name} needs a choice list coded 1 = yes, 0 = no",
                            path + ("choices",), value=var.choices)
    elif var.choices is not None:
        raise loc.error(f"{var.type} variable {var.name} does not take a choice list", path + ("choices",))
    if var.min is not None and var.max is not None and var.min > var.max:
        raise loc.error(f"variable {var.name} has min {var.min} > max {var.max}", path + ("max",))
    if (var.min is not None or var.max is not None) and var.type not in ("integer", "year"):
        raise loc.error(f"min/max apply to integer and year variables, not {var.type}", path)
    if var.missing_codes and var.type not in ("likert", "integer", "year"):
        raise loc.error(f"missing codes apply to numeric answers, not to {var.type} variable {var.name}",
                        path + ("missing_codes",))
    if var.personal and var.type not in ("identifier", "text"):
        raise loc.error(f"only identifier or text variables can be personal; {var.name} is {var.type}",
                        path + ("personal",))
    if var.format == "email" and var.type not in ("identifier", "text"):
        raise loc.error(f"format 'email' needs a text or identifier variable; {var.name} is {var.type}",
                        path + ("format",))


def _condition_variables(cond: ConditionExpr, conditions: dict[str, ConditionExpr]) -> list[str]:
    if isinstance(cond, Condition):
        return [cond.variable]
    if isinstance(cond, AllOf | AnyOf):
        subs = cond.all if isinstance(cond, AllOf) else cond.any
        return [name for sub in subs for name in _condition_variables(sub, conditions)]
    if isinstance(cond, NotOf):
        return _condition_variables(cond.not_, conditions)
    return _condition_variables(conditions[cond.ref], conditions)


def _check_refs_asked_before(
    cond: ConditionExpr,
    path: Path_,
    loc: _Located,
    known_before: dict[str, Variable],
    conditions: dict[str, ConditionExpr],
    where: str,
) -> None:
    for name in _condition_variables(cond, conditions):
        if name not in known_before:
            raise loc.error(
                f"show_if of {where} depends on {name}, which is not asked before it", path, value=name,
                fix="move the condition's variable earlier in the questionnaire",
            )


def _check_no_cycle(name: str, conditions: dict[str, ConditionExpr], loc: _Located) -> None:
    def refs(cond: ConditionExpr) -> list[str]:
        if isinstance(cond, ConditionRef):
            return [cond.ref]
        if isinstance(cond, AllOf | AnyOf):
            return [r for sub in (cond.all if isinstance(cond, AllOf) else cond.any) for r in refs(sub)]
        if isinstance(cond, NotOf):
            return refs(cond.not_)
        return []

    seen: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        for ref in refs(conditions[current]):
            if ref == name:
                raise loc.error(f"condition {name!r} refers to itself", ("conditions", name), value=name)
            if ref not in seen and ref in conditions:
                seen.add(ref)
                stack.append(ref)


def load_instrument(path: str | Path) -> Instrument:
    """Load and check a survey instrument (YAML).

    Parameters
    ----------
    path
        The YAML file, e.g. ``surveys/alliance_startup.yaml``.

    Returns
    -------
    Instrument
        With ``source`` set to ``str(path)``.

    Raises
    ------
    InstrumentError
        File missing or unreadable, or any of the problems listed in the module docstring, with the file
        and the YAML line.

    References
    ----------
    PyYAML 6 ``SafeLoader``; docs/design.md sections 3 and 7.

    Examples
    --------
    >>> inst = load_instrument(DEFAULT_INSTRUMENT_PATH)
    >>> inst.variable("EMPLOYEES").type
    'integer'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstrumentError("instrument file not found", file=str(path),
                              fix="give the path of an instrument YAML, e.g. surveys/alliance_startup.yaml"
                              ) from None
    except UnicodeDecodeError as exc:
        raise InstrumentError(f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path),
                              fix="save the file as UTF-8") from None
    except OSError as exc:
        raise InstrumentError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    return parse_instrument(text, file=str(path))


def default_instrument() -> Instrument:
    """The project's instrument, shipped inside the package (:data:`DEFAULT_INSTRUMENT_PATH`).

    Read with :mod:`importlib.resources`, so it works from a checkout and from an installed wheel alike;
    ``surveys/alliance_startup.yaml`` at the top of the repository is the copy a user edits.

    Parameters
    ----------
    None

    Returns
    -------
    Instrument
        With ``source`` the packaged file's path.

    References
    ----------
    docs/design.md section 6 (the default instrument ships as package data).

    Examples
    --------
    >>> default_instrument().meta.id
    'alliance_startup'
    """
    text = (PACKAGE_DATA / "alliance_startup.yaml").read_text(encoding="utf-8")
    return parse_instrument(text, file=str(DEFAULT_INSTRUMENT_PATH))
