"""No function in the stages longer than 80 lines or with more than 8 parameters (``self``/``cls`` aside).

Long functions hide several jobs; many positional parameters hide a settings object. Docstrings count toward
the length only through their code lines: the limit is on the statements' span, measured from the first
statement after the docstring to the function's last line.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "alliance_stats"
STAGES = ("core", "instrument", "data", "measurement", "typology", "models", "simulate", "report")
MAX_LINES = 80
MAX_PARAMS = 8
#: Public functions allowed more parameters, with the reason: their arguments mirror a reference package's.
PARAMS_EXEMPT = {
    "cfa": "mirrors lavaan's cfa() arguments (estimator, missing, group, group.equal, ordered, cluster) that users "
           "look up; each is a keyword with lavaan's default",
}


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    out = []
    for stage in STAGES:
        for path in sorted((PACKAGE / stage).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    out.append((f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}", node))
    return out


def _body_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    body = node.body
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        if len(body) == 1:
            return 0
        first = body[1]
    return (node.end_lineno or first.lineno) - first.lineno + 1


def _params(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    return len([n for n in names if n not in ("self", "cls")])


def test_no_stage_function_over_80_lines() -> None:
    long = [f"{where} ({_body_lines(node)} lines)" for where, node in _functions() if _body_lines(node) > MAX_LINES]
    assert not long, f"functions over {MAX_LINES} lines:\n" + "\n".join(long)


def test_no_stage_function_over_8_parameters() -> None:
    many = [f"{where} ({_params(node)} parameters)" for where, node in _functions()
            if _params(node) > MAX_PARAMS and node.name not in PARAMS_EXEMPT]
    assert not many, f"functions over {MAX_PARAMS} parameters:\n" + "\n".join(many)
