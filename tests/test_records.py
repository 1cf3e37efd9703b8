"""Every record (NamedTuple or dataclass) with more than three fields is built with keywords.

A positional call such as ``StudyRequest(deck, new, limit, ...)``, where ``new``
and ``limit`` are both ``int | None``, silently swaps two values when a field is
added or reordered; keywords make such a swap a type or name error.  NamedTuple
has no keyword-only fields, so this test holds the line instead.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from textwrap import dedent

from conftest import REPO

PACKAGE = REPO / "quizcli"
MOST_POSITIONAL_FIELDS = 3


def _is_record(node: ast.ClassDef) -> bool:
    bases = {ast.unparse(base) for base in node.bases}
    decorators = {ast.unparse(decorator).split("(")[0] for decorator in node.decorator_list}
    return bool(bases & {"NamedTuple", "typing.NamedTuple"} or decorators & {"dataclass", "dataclasses.dataclass"})


def _fields(node: ast.ClassDef) -> list[str]:
    return [
        statement.target.id
        for statement in node.body
        if isinstance(statement, ast.AnnAssign)
        and isinstance(statement.target, ast.Name)
        and "ClassVar" not in ast.unparse(statement.annotation)
    ]


@functools.cache
def _sources() -> tuple[tuple[str, ast.Module], ...]:
    """Each package module's path and syntax tree, parsed once for every check below (which only read them)."""
    return tuple(
        (path.relative_to(REPO).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(PACKAGE.rglob("*.py"))
    )


def wide_records() -> set[str]:
    """The names of the package's records with more than three fields."""
    return {
        node.name
        for _, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and _is_record(node) and len(_fields(node)) > MOST_POSITIONAL_FIELDS
    }


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return call.func.id if isinstance(call.func, ast.Name) else None


def _positional_calls(tree: ast.AST, wide: set[str], inside: str | None = None) -> Iterator[ast.Call]:
    """Calls building a wide record with a positional argument; ``cls(...)`` counts inside the record's class."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.ClassDef):
            yield from _positional_calls(node, wide, node.name)
            continue
        if isinstance(node, ast.Call) and node.args:
            name = _called_name(node)
            if name in wide or (name == "cls" and inside in wide):
                yield node
        yield from _positional_calls(node, wide, inside)


def positional_builds() -> dict[str, list[str]]:
    """``path:line: call`` of every positional build of a wide record, by module path."""
    wide = wide_records()
    found: dict[str, list[str]] = {}
    for path, tree in _sources():
        for call in _positional_calls(tree, wide):
            found.setdefault(path, []).append(f"{path}:{call.lineno}: {ast.unparse(call)[:80]}")
    return found


def test_the_check_sees_the_records_it_guards() -> None:
    assert {"StudyRequest", "ExamRequest", "StudyOptions", "Result", "Summary", "Sitting", "Stats"} <= wide_records()


def test_the_check_finds_a_positional_build() -> None:
    source = dedent("""
        class Wide(NamedTuple):
            a: int
            b: int
            c: int
            d: int

            @classmethod
            def zero(cls) -> Wide:
                return cls(0, 0, 0, 0)

        Wide(1, 2, c=3, d=4)
        Wide(*row)
        Wide(a=1, b=2, c=3, d=4)
        Narrow(1, 2, 3)
    """)
    assert [call.lineno for call in _positional_calls(ast.parse(source), {"Wide"})] == [10, 12, 13]


def test_records_of_more_than_three_fields_are_built_with_keywords() -> None:
    found = positional_builds()
    strays = [line for lines in found.values() for line in lines]
    assert not strays, "build these records with keywords:\n" + "\n".join(strays)
