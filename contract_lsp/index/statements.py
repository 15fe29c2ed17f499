"""The one statement walker: which blocks of a compound statement run in the scope that
holds it.

Bindings (:mod:`.bindings`), module facts (:mod:`.facts`) and the rules all need the
statements of a scope, including those nested in ``if`` / ``for`` / ``while`` / ``with`` /
``try`` / ``try*`` / ``match`` blocks; they take them from here, so that a definition
under ``match`` is both bound and described (it once had a binding but no facts).
Function and class bodies are new scopes and are not entered.
"""

from __future__ import annotations

import ast
from typing import Iterator

_TRY_STAR = getattr(ast, "TryStar", ast.Try)


def statement_blocks(node: ast.stmt) -> Iterator[tuple[list[ast.stmt], ast.ExceptHandler | None]]:
    """The statement lists nested in ``node`` that belong to its scope, in source order,
    each with the ``except`` handler it is the body of (else None). Yields nothing for a
    simple statement or a ``def`` / ``class``."""
    if isinstance(node, (ast.If, ast.While, ast.For, ast.AsyncFor)):
        yield node.body, None
        yield node.orelse, None
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        yield node.body, None
    elif isinstance(node, (ast.Try, _TRY_STAR)):
        yield node.body, None
        for handler in node.handlers:
            yield handler.body, handler
        yield node.orelse, None
        yield node.finalbody, None
    elif isinstance(node, ast.Match):
        for case in node.cases:
            yield case.body, None


def scope_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a scope, nested blocks included (depth first, source order)."""
    for stmt in body:
        yield stmt
        for block, _handler in statement_blocks(stmt):
            yield from scope_statements(block)
