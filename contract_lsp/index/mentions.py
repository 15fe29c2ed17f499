"""The bytes-first prefilter's word list, grown to a fixpoint over the workspace.

A file can only have a finding if it mentions a contracted name, *or* a name that stands
for one: an alias made by a re-export (``from .context import UserExecutionContext as
Ctx``), or a workspace class that subclasses a protocol (``class Base(Protocol)`` ->
``class Impl(Base)`` names only ``Base``). Starting from the contracts' own names, files
that mention a word are parsed (and only those), and the names they derive from the words
join the set, until nothing changes.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

# Regexes rather than a parse: they run on every file that mentions a word, and a parse
# costs ~50x more. Extra names only cost a parse later; multi-line class headers are
# covered by the bases group spanning lines.
_ALIAS = re.compile(rb"\b([A-Za-z_][A-Za-z0-9_]*)\s+as\s+([A-Za-z_][A-Za-z0-9_]*)")
_CLASS = re.compile(rb"^[ \t]*class\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)", re.M)
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def derived_names(data: bytes, words: set[str]) -> set[str]:
    """Names the source ``data`` binds that stand for one of ``words``: import aliases of
    them, and classes with a base whose last name is one of them."""
    found: set[str] = set()
    for match in _ALIAS.finditer(data):
        if match.group(1).decode() in words:
            found.add(match.group(2).decode())
    for match in _CLASS.finditer(data):
        bases = {w.decode() for w in _WORD.findall(match.group(2))}
        if bases & words:
            found.add(match.group(1).decode())
    return found - words


def expand_words(
    words: Iterable[str],
    contents: Iterable[bytes],
    max_rounds: int = 8,
) -> frozenset[str]:
    """The fixpoint of ``words`` over the sources ``contents`` (the bytes of the workspace's
    Python files)."""
    current = set(words)
    sources = list(contents)
    fresh = set(current)
    for _ in range(max_rounds):
        if not fresh:
            break
        needles = [w.encode("utf-8") for w in fresh]
        added: set[str] = set()
        for data in sources:
            if any(n in data for n in needles):
                added |= derived_names(data, current)
        fresh = added - current
        current |= fresh
    return frozenset(current)
