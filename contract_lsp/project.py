"""A workspace ready to check: its settings, registry, index and contract table.

Both front ends open one: the CLI once per run, the server once per workspace folder (and
again when the configuration changes). Loading reports problems as data (registry errors)
or raises :class:`~contract_lsp.config.ConfigError`; it never prints.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import fast_path
from .config import Settings, load_settings
from .index.mentions import Mentions, expand_words
from .index.modules import ModuleMap
from .index.workspace import WorkspaceIndex
from .registry.loader import load_registry
from .registry.model import Registry
from .rules.context import ContractTable


_SERIALS = itertools.count()


@dataclass
class Project:
    """One workspace. ``table`` follows the index: it is rebuilt when files change."""

    settings: Settings
    registry: Registry
    index: WorkspaceIndex
    #: extra prefilter words derived from the workspace: import aliases of contracted
    #: names, which count wherever they appear (see :mod:`contract_lsp.index.mentions`)
    derived_words: frozenset[str] = frozenset()
    #: implementation classes found in the workspace (and their aliases), which count only
    #: where a subclass could start
    derived_classes: frozenset[str] = frozenset()
    #: words that an import alias in the workspace binds to another word
    rebound_words: frozenset[str] = frozenset()
    _table: ContractTable | None = field(default=None, repr=False)
    _mentions: Mentions | None = field(default=None, repr=False)
    _serial: int = field(default_factory=lambda: next(_SERIALS), repr=False)
    _registry_serial: int = field(default=0, repr=False)

    @property
    def revision(self) -> str:
        """A token that changes whenever a file's findings may change without its text
        changing: another file, the registry, the prefilter's words, or (a new project) the
        settings. The server's pull diagnostics use it in result ids (LSP 3.17 §
        ``previousResultId``), so an unchanged workspace is not checked again."""
        words = hash((self.derived_words, self.derived_classes, self.rebound_words))  # frozensets cache their hash
        return f"{self.registry_revision}.{self.index.generation}.{words:x}"

    @property
    def registry_revision(self) -> str:
        """The part of :attr:`revision` that changes with the project or its registry only."""
        return f"{self._serial}.{self._registry_serial}"

    @property
    def table(self) -> ContractTable:
        table = self._table
        if table is None or table.generation != self.index.generation or table.registry is not self.registry:
            from .dependencies import read_declared  # rename fixes gated by the declared versions (SPEC §3.1)

            table = self._table = ContractTable(self.registry, self.index, read_declared(self.settings.root))
        return table

    @property
    def words(self) -> frozenset[str]:
        """Words whose absence from a file's bytes proves it has no finding."""
        return self.table.words | self.derived_words

    @property
    def mentions(self) -> Mentions:
        """The prefilter over :attr:`words` and :attr:`derived_classes` (rebuilt when they
        change)."""
        words, classes = self.words, self.derived_classes - self.words
        current = self._mentions
        if current is None or current.words != words or current.classes != classes or current.rebound != self.rebound_words & words:
            self._mentions = Mentions(words, classes, self.rebound_words)
        return self._mentions

    def expand_words(self, contents: dict[str, bytes], confirm: set[str] | None = None) -> frozenset[str] | None:
        """Grow the prefilter over the workspace's sources (absolute path -> bytes);
        ``confirm`` limits the parses that confirm indirect implementations (see
        :func:`~contract_lsp.index.mentions.expand_words`). Returns the paths of
        ``contents`` that may pass :attr:`mentions` (None: any may), so that a caller need
        not screen the others again."""
        found = self.compute_expansion(contents, confirm)
        self.apply_expansion(found)
        return found.matched if fast_path.ENABLED else None

    def compute_expansion(self, contents: dict[str, bytes], confirm: set[str] | None = None):
        """What :meth:`expand_words` finds, without changing ``self`` (the server computes
        it on a snapshot, off the event loop, and applies it on the loop)."""
        table = self.table
        return expand_words(self.index, table.words, table.protocol_targets, contents, confirm=confirm)

    def apply_expansion(self, found) -> None:
        """Take the words of :meth:`compute_expansion`'s result."""
        table = self.table
        self.derived_words = found.names - table.words
        self.derived_classes = found.classes
        self.rebound_words = found.rebound

    def extend_words(self, contents: dict[str, bytes], classes: Iterable[str] = ()) -> None:
        """Add what ``contents`` (a few changed files) derive, and the implementation
        ``classes`` a caller found itself, keeping what others did: a word that no longer
        stands for anything only costs a parse, never a finding."""
        table = self.table
        known = table.words | self.derived_words
        found = expand_words(self.index, known, table.protocol_targets, contents, classes=self.derived_classes | set(classes))
        self.derived_words |= found.names - known
        self.derived_classes = found.classes
        self.rebound_words |= found.rebound

    def set_registry(self, registry: Registry) -> None:
        self.registry = registry
        self._registry_serial += 1
        self._table = None


def schema_cache_dir(settings: Settings) -> Path | None:
    """The cache directory (SPEC §4): ``CONTRACT_LSP_CACHE_DIR``, the ``cache-dir`` setting,
    else ``.contract-lsp-cache`` at the workspace root."""
    given = os.environ.get("CONTRACT_LSP_CACHE_DIR")
    if given:
        return Path(given)
    return settings.cache_dir or Path(settings.root) / ".contract-lsp-cache"


def workspace_module_map(settings: Settings, files: Iterable[str | Path], *, complete: bool = True) -> ModuleMap:
    """The module map of ``files``; when not ``complete``, one that looks for other modules
    on disk below the workspace root, under the same include / exclude rules as the walk."""
    if complete:
        module_map = ModuleMap(settings.src)
    else:
        from .config import PathFilter

        module_map = ModuleMap(settings.src, probe_roots=[str(settings.root)], accept=PathFilter(settings).matches)
    for path in files:
        module_map.add(os.path.abspath(path))
    return module_map


def open_project(
    root: Path,
    files: Iterable[str | Path],
    *,
    cli_contracts: list[Path] | None = None,
    overrides: dict | None = None,
    lazy: bool = False,
    cli_packs: list[str] | None = None,
    remember_schema: bool = False,
) -> Project:
    """Load settings and registry for ``root`` and index ``files`` (absolute paths of the
    workspace's Python files). Raises ConfigError for invalid configuration; contract file
    problems are in ``project.registry.errors`` (CL900).

    ``lazy`` (the server's start, SPEC §5): ``files`` may be only some of the workspace;
    modules not among them are looked for on disk when resolution needs them (see
    :class:`~contract_lsp.index.modules.ModuleMap`), and discovery waits for the whole
    workspace (:func:`complete_index`). ``remember_schema`` keeps the digests of contract
    files that passed the JSON Schema in the cache directory, and skips validating them
    again (:mod:`contract_lsp.registry.verdicts`; the server's start)."""
    settings = load_settings(root, cli_contracts=cli_contracts, overrides=overrides, cli_packs=cli_packs)
    verdicts = None
    if remember_schema:
        from .registry.verdicts import SchemaVerdicts

        verdicts = SchemaVerdicts(schema_cache_dir(settings))
    registry = load_registry(settings.registry_paths, verdicts=verdicts) if settings.registry_paths else Registry()
    if verdicts is not None:
        verdicts.save()
    module_map = workspace_module_map(settings, files, complete=not lazy)
    index = WorkspaceIndex(module_map)
    project = Project(settings, registry, index)
    if "protocols" in settings.discover and not lazy:
        from .discover import discovered_protocols

        project.set_registry(registry.with_contracts(discovered_protocols(index, registry)))
    return project
