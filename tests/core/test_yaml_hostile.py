"""Hostile YAML (issue 15 item 8): alias bombs and self-referencing aliases end in a typed error naming the file
and the line, fast, in plans, instruments and ``--params`` files; ordinary anchors and merge keys still work."""

from __future__ import annotations

import pytest

from alliance_stats.core.errors import InstrumentError, PlanError
from alliance_stats.core.yamlio import load_yaml_text


def _bomb(levels: int) -> str:
    """``levels`` lines of nested aliases: 9**levels values once expanded (levels=5: 59,049)."""
    lines = ['l0: &l0 ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_with_the_line_of_the_alias():
    with pytest.raises(PlanError) as info:
        load_yaml_text(_bomb(5), "plan.yaml", PlanError)
    err = info.value
    assert err.file == "plan.yaml"
    assert err.line is not None and 2 <= err.line <= 5
    assert "alias" in str(err)


@pytest.mark.parametrize("text, line", [
    ("a: &a [*a]\n", 1),
    ("a: &a\n  - 1\n  - *a\n", 3),
    ("top: &t\n  inner:\n    again: *t\n", 3),
])
def test_a_self_referencing_alias_is_a_typed_error(text, line):
    with pytest.raises(PlanError) as info:
        load_yaml_text(text, "plan.yaml", PlanError)
    assert info.value.line == line
    assert "self-reference" in str(info.value)


def test_a_merge_key_inside_its_own_block_is_a_typed_error():
    with pytest.raises(PlanError):
        load_yaml_text("a: &a {x: 1, <<: *a}\n", "plan.yaml", PlanError)


def test_the_expansion_cap_is_far_below_a_bomb_and_far_above_reuse():
    from alliance_stats.core.yamlio import MAX_ALIAS_EXPANSION

    assert 1_000 <= MAX_ALIAS_EXPANSION < 9**5


def test_small_anchors_and_merge_keys_still_work():
    text = "base: &b\n  a: 1\n  b: [x, y]\nm:\n  <<: *b\n  c: 3\nlist: [*b, *b]\n"
    data, lines = load_yaml_text(text, "plan.yaml", PlanError)
    assert data["m"] == {"a": 1, "b": ["x", "y"], "c": 3}
    assert data["list"] == [data["base"], data["base"]]
    assert lines[("m", "c")] == 6


def test_the_instrument_loader_refuses_a_bomb_with_its_own_error():
    from alliance_stats.instrument.loader import _read_yaml

    with pytest.raises(InstrumentError) as info:
        _read_yaml(_bomb(5), "instrument.yaml")
    assert info.value.file == "instrument.yaml"


def test_simulate_params_bomb_exits_2_without_traceback(tmp_path, capsys):
    from alliance_stats.cli import main

    params = tmp_path / "params.yaml"
    params.write_text(_bomb(6), encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["simulate", "--n-dyads", "5", "--params", str(params), "-o", str(tmp_path / "r.csv")])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert "Traceback" not in err and "params.yaml" in err and "line" in err
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.parametrize("text, line", [("a: 1\nb: x\x1fy\n", 2), ("a: \x01\n", 1)])
def test_a_control_character_is_a_typed_error_with_its_line(text, line):
    """Found by the fuzz test (tests/test_fuzz_inputs.py): PyYAML's ReaderError escaped as a traceback."""
    with pytest.raises(PlanError) as info:
        load_yaml_text(text, "plan.yaml", PlanError)
    assert info.value.line == line and "U+00" in str(info.value)
