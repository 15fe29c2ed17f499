"""The bytes-first prefilter: which files can possibly have a finding, decided before any
parse.

A file can only have a finding if it mentions, as a whole identifier, a contracted name or
a name that stands for one: an import alias (``from .context import UserExecutionContext as
Ctx``), or a workspace class that implements a protocol through other workspace classes
(``class Base(Protocol)`` -> ``class Impl(Base)`` names only ``Base``). :func:`expand_words`
grows the contracts' own names to include those, to a fixpoint.

The two kinds count differently. A contracted name or its alias counts wherever it
appears (any call may be a contracted call). A derived implementation class counts only
where it can start another implementation: in a class header's bases, an import alias or
an assignment (``Base = StreamHandler``); ``logging.StreamHandler()`` alone is no reason
to parse a file, and on the standard library that spares 42 of 49 such files.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, NamedTuple

from .. import fast_path
from ..text import split_lines
from .workspace import WorkspaceIndex

_IDENT = rb"[A-Za-z_][A-Za-z0-9_]*"
# ``X as Y`` in an import statement: a regex rather than a parse, since it runs on every
# file that mentions a word. An alias too many only costs a parse later; prose ("run as
# the user") in comments must not count, hence the import statement around it.
_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t]+(\([^)]*\)|[^\n]*)", re.M)
_ALIAS = re.compile(rb"\b(" + _IDENT + rb")[ \t]+as[ \t]+(" + _IDENT + rb")")
# the bases may hold a call or two (``class C(make(), Protocol)``): one level of nesting
_CLASS_HEADER = re.compile(rb"^[ \t]*class[ \t]+" + _IDENT + rb"[ \t]*\(((?:[^()]|\([^()]*\))*)\)", re.M)
_WORD = re.compile(_IDENT)
#: ``= Name`` or ``= module.Name`` ending the line: a class bound to another name
#: (``Base = StreamHandler``), not called (``h = StreamHandler()``)
_ASSIGNED = rb"=[ \t]*(?:" + _IDENT + rb"\.)*("
_ASSIGNED_END = rb")[ \t]*(?:#[^\n]*)?\r?$"


#: Up to this many words, a ``bytes.find`` pass per word; past it, one regex pass for all.
_FEW = 8

_IDENT_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class Mentions:
    """A membership test for "does this text mention one of the words as an identifier, or
    refer to one of the classes where a subclass could start".

    ``bytes.find`` runs at memchr speed; each hit's neighbours are then checked so that
    ``sub`` does not match ``subprocess`` (a regex alternation is ~5x slower here).
    ``classes`` are derived implementation names: they count only in a class header's
    bases, an import alias or an assignment (see the module's docstring).
    """

    def __init__(self, words: Iterable[str], classes: Iterable[str] = (), rebound: Iterable[str] = ()) -> None:
        self.words = frozenset(w for w in words if w)
        self.classes = frozenset(c for c in classes if c) - self.words
        #: words that an import somewhere also binds to another word (``from .ctx import
        #: make as Handler``): what they stand for is only known after a parse
        self.rebound = frozenset(rebound) & self.words
        self._class_screen = Mentions(self.classes) if self.classes else None
        self._needles = [w.encode("utf-8") for w in sorted(self.words, key=len, reverse=True)]
        # A file without ``Handler`` anywhere has no ``StreamHandler`` either: the first,
        # plain substring pass needs only the words that contain no other word.
        shortest = sorted(self._needles, key=len)
        self._screen = [n for i, n in enumerate(shortest) if not any(m in n for m in shortest[:i])]
        # Past a handful of words one regex pass beats a pass per word (30 class names of
        # the stdlib: 0.19 s against 0.31 s over 1,788 files); below, memchr wins.
        self._screen_regex = re.compile(b"|".join(map(re.escape, self._screen))) if len(self._screen) > _FEW else None
        self._word_regex: re.Pattern[bytes] | None = None

    def occurrences(self, data: bytes) -> list[tuple[int, str]]:
        """(byte offset, word) for each place ``data`` names one of the words as a whole
        identifier, in order."""
        if len(self._needles) <= _FEW:
            # a memchr pass per word beats one regex pass for a few words
            found = [(o, n.decode("utf-8")) for n in self._needles for o in self._offsets(data, n, False)]
            return sorted(found)
        return [(m.start(), m.group().decode("utf-8")) for m in self._whole_words(data)]

    def _whole_words(self, data: bytes) -> Iterator[re.Match[bytes]]:
        """The whole-identifier matches of the words in ``data``, in order: one regex pass,
        for many words. A match refused for the byte before it hides no other: a word that
        starts inside it has an identifier byte before it too."""
        if self._word_regex is None:
            # longest first; no look-behind, which would cost the regex its first-byte scan
            alternation = b"|".join(map(re.escape, self._needles))
            self._word_regex = re.compile(rb"(?:" + alternation + rb")(?![A-Za-z0-9_])")
        for match in self._word_regex.finditer(data):
            start = match.start()
            if start == 0 or data[start - 1] not in _IDENT_BYTES:
                yield match

    def _offsets(self, data: bytes, needle: bytes, first_only: bool) -> list[int]:
        found, start, size = [], 0, len(needle)
        while True:
            i = data.find(needle, start)
            if i < 0:
                return found
            start = i + 1
            if i > 0 and data[i - 1] in _IDENT_BYTES:
                continue
            if i + size < len(data) and data[i + size] in _IDENT_BYTES:
                continue
            found.append(i)
            if first_only:
                return found

    def __call__(self, data: bytes | str) -> bool:
        """True when ``data`` (source bytes or text) mentions a word as a whole identifier,
        or refers to one of the classes in a class header, an import alias or an assignment."""
        if not fast_path.ENABLED:
            return True
        if isinstance(data, str):
            data = data.encode("utf-8", errors="surrogatepass")
        return self._mentions_word(data) or self.refers_to_class(data)

    def refers_to_class(self, data: bytes) -> bool:
        """True when ``data`` names one of the classes in a class header, an import alias or
        an assignment (where a subclass or another name for it could start)."""
        screen = self._class_screen
        return screen is not None and screen(data) and refers_to_classes(data, self.classes)

    def _mentions_word(self, data: bytes) -> bool:
        if not self._needles:
            return False
        if self._screen_regex is not None:
            if self._screen_regex.search(data) is None:
                return False
        elif not any(n in data for n in self._screen):
            return False
        if len(self._needles) > _FEW:
            return next(self._whole_words(data), None) is not None
        return any(self._offsets(data, n, True) for n in self._needles)

    def lines(self, text: str) -> set[int]:
        """1-based numbers of the lines of ``text`` that mention a word as an identifier
        (line breaks as Python counts them: ``\\n``, ``\\r\\n``, ``\\r``); every line when the
        fast paths are off (:mod:`contract_lsp.fast_path`)."""
        if not fast_path.ENABLED:
            return set(range(1, len(split_lines(text)) + 2))
        data = text.encode("utf-8", errors="surrogatepass")
        offsets = sorted(o for n in self._needles for o in self._offsets(data, n, False))
        if not offsets:
            return set()
        if b"\r" in data:
            data = data.replace(b"\r\n", b" \n").replace(b"\r", b"\n")  # same length
        found: set[int] = set()
        line, pos = 1, 0
        for offset in offsets:
            line += data.count(b"\n", pos, offset)
            pos = offset
            found.add(line)
        return found


def _may_alias(data: bytes, words: set[str] | frozenset[str]) -> bool:
    """Whether one of ``words`` is followed by `` as `` somewhere in ``data``: a screen
    for :func:`_aliases`. The bytes hold few `` as ``-s (12,000 in the 31 MB of the
    standard library): finding them and reading the name before each is one memchr pass,
    where a pass per word, or a regex of all words, costs ~10x that with many words. Names
    are ASCII identifiers here, as in ``_ALIAS``."""
    for keyword in (b" as", b"\tas"):
        start = 0
        while (i := data.find(keyword, start)) >= 0:
            start = i + 1
            if data[i + 3 : i + 4] not in (b" ", b"\t"):
                continue  # `` ask``, ``x as`` at the end
            end = i
            while end > 0 and data[end - 1] in b" \t":
                end -= 1
            begin = end
            while begin > 0 and data[begin - 1] in _IDENT_BYTES:
                begin -= 1
            if begin < end and data[begin:end].decode("ascii") in words:
                return True
    return False


def _aliases(data: bytes, words: set[str] | frozenset[str]) -> dict[str, str]:
    """``{alias: name}`` for each ``name as alias`` of ``words`` in the import statements."""
    # Most files that mention a word never alias it: the screen spares them the scan of
    # every import statement (~0.5 ms a file).
    if not _may_alias(data, words):
        return {}
    found = {}
    for statement in _IMPORT.finditer(data):
        for match in _ALIAS.finditer(statement.group(1)):
            name = match.group(1).decode()
            if name in words:
                found[match.group(2).decode()] = name
    return found


def refers_to_classes(data: bytes, classes: frozenset[str]) -> bool:
    """True when ``data`` names one of ``classes`` where a subclass or another name for it
    can start: a class header's bases, an import alias, an assignment's value."""
    if _has_class_on(data, classes) or _aliases(data, classes):
        return True
    assigned = re.compile(_ASSIGNED + b"|".join(re.escape(c.encode()) for c in sorted(classes)) + _ASSIGNED_END, re.M)
    return assigned.search(data) is not None


def _has_class_on(data: bytes, words: set[str] | frozenset[str]) -> bool:
    for match in _CLASS_HEADER.finditer(data):
        if {w.decode() for w in _WORD.findall(match.group(1))} & words:
            return True
    return False


class Expansion(NamedTuple):
    """What :func:`expand_words` derives: ``names`` count wherever they appear (the words
    and their import aliases), ``classes`` only where a subclass could start (implementation
    classes and their aliases)."""

    names: frozenset[str]
    classes: frozenset[str]
    #: names already counted that an import alias binds to another of them
    rebound: frozenset[str] = frozenset()
    #: the paths that mention any of ``names`` or ``classes`` as an identifier (anywhere: a
    #: superset of what :class:`Mentions` over them admits); None when not known
    matched: frozenset[str] | None = None


def expand_words(
    index: WorkspaceIndex,
    words: Iterable[str],
    protocol_targets: Iterable[str],
    contents: dict[str, bytes],
    max_rounds: int = 8,
    confirm: set[str] | None = None,
    classes: Iterable[str] = (),
) -> Expansion:
    """``words`` plus the names that stand for them in the files of ``contents`` (absolute
    path -> bytes): import aliases (of a word: a name; of a class: a class), and classes
    whose resolved ancestors include one of ``protocol_targets`` (qualified names), on top
    of the ``classes`` already known. Class candidates are found by a regex on class
    headers and confirmed through the index, so an unrelated ``class A(Base)`` elsewhere
    does not widen the prefilter. With ``confirm``, only those paths get classes confirmed
    (a parse each); the caller learns the others' implementations as it checks them."""
    targets = set(protocol_targets)
    names = set(words)
    known = set(classes) - names
    fresh = names | known
    rebound: set[str] = set()
    matched: set[str] = set()
    for _ in range(max_rounds):
        if not fresh:
            break
        mentions = Mentions(fresh)
        new_names: set[str] = set()
        new_classes: set[str] = set()
        for path, data in contents.items():
            if not mentions(data):
                continue
            matched.add(path)
            current = names | known
            for alias, name in _aliases(data, current).items():
                (new_classes if name in known else new_names).add(alias)
                if alias in current and alias != name:
                    rebound.add(alias)
            if targets and (confirm is None or path in confirm) and _has_class_on(data, current):
                new_classes |= _implementations_in(index, path, current, targets)
        new_names -= names
        new_classes -= names | known | new_names
        names |= new_names
        known |= new_classes
        fresh = new_names | new_classes
    # each name was looked for in the round it was new, unless the rounds ran out first
    return Expansion(frozenset(names), frozenset(known), frozenset(rebound), None if fresh else frozenset(matched))


def _implementations_in(index: WorkspaceIndex, path: str, words: set[str], targets: set[str]) -> set[str]:
    facts = index.facts_for_path(path)
    if facts is None:
        return set()
    found = set()
    for cls in facts.classes.values():
        if not any(b.rsplit(".", 1)[-1] in words for b in cls.bases):
            continue
        if any(base.qualname in targets for base, _ in index.ancestors(cls)):
            found.add(cls.name)
    return found
