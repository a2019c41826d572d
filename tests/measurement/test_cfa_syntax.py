"""The lavaan syntax parser: what it accepts, and errors that name the line."""

from __future__ import annotations

import pytest

from alliance_stats.core.errors import SpecificationError
from alliance_stats.measurement.syntax import Modifier, parse_model


def test_three_factor_model_with_comments_and_residual_covariance() -> None:
    m = parse_model(
        """
        # a comment line
        visual  =~ x1 + x2 + x3   # trailing comment
        textual =~ x4 + x5 + x6 ! lavaan's other comment sign
        speed   =~ x7 + x8 + x9
        x7 ~~ x8
        """
    )
    assert m.factors == ("visual", "textual", "speed")
    assert m.items == tuple(f"x{i}" for i in range(1, 10))
    assert m.items_of("textual") == ("x4", "x5", "x6")
    assert [(c.lhs, c.rhs, c.line) for c in m.covariances] == [("x7", "x8", 6)]
    assert m.line_of("speed") == 5 and m.line_of("x5") == 4


def test_semicolons_continuation_lines_and_repeated_factor() -> None:
    m = parse_model("f =~ a + b\n   + c; g =~ d + e\ng =~ f2\ng ~~ f")
    assert m.items_of("f") == ("a", "b", "c")
    assert m.items_of("g") == ("d", "e", "f2")
    assert (m.covariances[0].lhs, m.covariances[0].rhs) == ("g", "f")


def test_modifiers() -> None:
    m = parse_model("f =~ NA*a + 0.5*b + lab*c + 1e-1*d\nf ~~ 1*f\na ~~ b + c")
    mods = [ld.modifier for ld in m.loadings]
    assert mods == [Modifier("free"), Modifier("fixed", 0.5), Modifier("label", label="lab"),
                    Modifier("fixed", 0.1)]
    assert [(c.lhs, c.rhs) for c in m.covariances] == [("f", "f"), ("a", "b"), ("a", "c")]


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("f =~ a + b + c\ng ~ f", 2, "regression"),
        ("f =~ a + b + c\na ~ 1", 2, "'~'"),
        ("f =~ a + b + c\n\nab := a*b", 3, "defined parameter"),
        ("f =~ a + b + c\nf =~ a", 2, "listed twice"),
        ("f =~ a + + b", 1, "'+' without a term"),
        ("f =~ a + b c", 1, "separated by a space"),
        ("f =~ a + 2b", 1, "not a variable name"),
        ("f =~ c(1, 2)*a + b + c", 1, "not supported"),
        ("f =~ a + b + c\ng =~ d", 2, "at least two"),
        ("f =~ a + b + c\ng =~ c + d + e", 2, "two factors"),
        ("f =~ a + b + c\ng =~ f + d + e", 2, "second-order"),
        ("f =~ a + b + c\na ~~ z", 2, "neither a factor nor an item"),
        ("f =~ a + b + c\na ~~ f", 2, "between a factor and an item"),
        ("f =~ a + b + c\na ~~ b\nb ~~ a", 3, "twice"),
        ("hello\nf =~ a + b + c", 1, "no operator"),
        ("hello world\nf =~ a + b + c", 1, "separated by a space"),
        ("1f =~ a + b + c", 1, "not a valid name"),
    ],
)
def test_errors_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(SpecificationError) as info:
        parse_model(text)
    assert info.value.line == line
    assert fragment in str(info.value)
    assert info.value.fix


def test_cross_loading_allowed_on_request() -> None:
    m = parse_model("f =~ a + b + c\ng =~ c + d + e", allow_cross_loadings=True)
    assert m.items == ("a", "b", "c", "d", "e")
    assert m.items_of("g") == ("c", "d", "e")


def test_missing_column_names_line_and_column() -> None:
    with pytest.raises(SpecificationError) as info:
        parse_model("f =~ a + b + c\ng =~ d + e + F1", columns=["a", "b", "c", "d", "e", "f1"])
    err = info.value
    assert err.line == 2 and err.column == "F1"
    assert "case-sensitive" in str(err)


@pytest.mark.parametrize("bad", ["", "   \n# only a comment\n", 42])
def test_empty_or_non_text_model(bad: object) -> None:
    with pytest.raises(SpecificationError):
        parse_model(bad)  # type: ignore[arg-type]


def test_no_code_is_evaluated() -> None:
    with pytest.raises(SpecificationError):
        parse_model("f =~ __import__('os').system('echo hi') + b + c")
