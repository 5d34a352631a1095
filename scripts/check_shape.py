#!/usr/bin/env python3
"""Hold the code to its shape: small modules, thin views, no commit outside the unit of work.

Fails (exit 1, one line per problem) when
- a module under casework/ has more than 400 lines;
- a view function (one decorated with a blueprint route) has more than 30 lines;
- a views module reads the database itself (db.session, select(...)): queries live in the feature's
  queries, loaders or operations;
- `commit()` is called anywhere in casework/ but the unit of work (casework/unit_of_work.py).

Run: python scripts/check_shape.py [root]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 30
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}
COMMIT_ALLOWED = {"casework/unit_of_work.py"}


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or "views" in path.parent.parts[-1:] or path.name == "public.py"


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS


def _queries_in(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "session":
            if isinstance(node.value, ast.Name) and node.value.id == "db":
                found.append((node.lineno, "db.session"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "select":
                found.append((node.lineno, "select(...)"))
    return found


def problems(root: Path) -> list[str]:
    """Every breach of the rules above in the casework/ package under `root`."""
    found: list[str] = []
    for path in sorted((root / "casework").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
        if lines > MAX_MODULE_LINES:
            found.append(f"{rel}: {lines} lines (at most {MAX_MODULE_LINES}): split it by what it does")
        tree = ast.parse(text, filename=rel)
        for node in ast.walk(tree):
            is_commit = isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "commit"
            if is_commit and rel not in COMMIT_ALLOWED:
                found.append(f"{rel}:{node.lineno}: commit() outside the unit of work")
        if not _is_view_module(path):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _is_route(d) for d in node.decorator_list
            ):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_VIEW_LINES:
                    found.append(
                        f"{rel}:{node.lineno}: view {node.name} has {length} lines (at most {MAX_VIEW_LINES})"
                    )
        for lineno, what in _queries_in(tree):
            found.append(f"{rel}:{lineno}: {what} in a views module: move the query to queries/operations")
    return found


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    found = problems(root)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problem(s) with the shape of the code.", file=sys.stderr)
        return 1
    print("Code shape: every module within 400 lines, every view within 30, no query in a view, one commit.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
