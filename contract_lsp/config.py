"""Configuration and workspace discovery (SPEC §1).

The workspace root is the nearest folder upward holding ``pyproject.toml`` or ``.git``.
Settings come from ``[tool.contract-lsp]`` in the root's ``pyproject.toml``, overridden by
an LSP client's ``initializationOptions`` / ``didChangeConfiguration`` (section
``contractLsp``, same keys) or the command line. Kept free of heavy imports (no pygls,
lsprotocol, jsonschema; ``pathspec`` only when a :class:`PathFilter` is built): the
``--check`` fast path imports this module first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("error", "warning", "info", "hint")
DIAGNOSTIC_MODES = ("openFiles", "workspace")
DISCOVER_CHOICES = ("protocols",)
#: Folders never walked, whatever the configuration says (SPEC §1: ``.git``, virtualenvs,
#: ``node_modules``, ``__pycache__``; the rest are other tools' caches and environments, as
#: in ruff's default excludes). A folder holding ``pyvenv.cfg`` is a virtualenv too.
ALWAYS_SKIPPED = frozenset({
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".direnv", ".eggs", ".tox", ".nox", ".pyenv",
    "node_modules", "__pycache__", "__pypackages__", "site-packages",
    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".pytype", ".ipynb_checkpoints",
})
#: Keys of ``[tool.contract-lsp]``; the client may also spell diagnostic_mode diagnosticMode.
KEYS = ("contracts", "src", "include", "exclude", "select", "ignore", "severity", "discover", "diagnostic_mode", "packs", "cache_dir")
_SPELLINGS = {"diagnosticMode": "diagnostic_mode", "diagnostic-mode": "diagnostic_mode", "cache-dir": "cache_dir", "cacheDir": "cache_dir"}


class ConfigError(Exception):
    """Invalid configuration; the message names where it comes from (the ``pyproject.toml``
    path, or the client's settings) and the key."""


def find_workspace_root(start: Path) -> Path:
    """The workspace root for ``start`` (SPEC §1): the nearest folder from ``start`` upward
    holding ``pyproject.toml`` or ``.git``; ``start`` itself (resolved) when there is none.
    ``start`` may be a file, then its folder is where the search begins."""
    start = Path(start).resolve()
    if start.is_file():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start


@dataclass
class Settings:
    """Everything configurable (SPEC §1), with paths absolute."""

    root: Path
    contract_paths: list[Path] = field(default_factory=list)
    src: list[Path] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    discover: list[str] = field(default_factory=list)
    diagnostic_mode: str = "openFiles"
    #: bundled packs as configured (distribution names, or ``auto``; SPEC §1, §2.1) and
    #: the pack files they select, resolved by :func:`load_settings`
    packs: list[str] = field(default_factory=list)
    pack_paths: list[Path] = field(default_factory=list)
    #: ``cache-dir`` (SPEC §1, §4): where ``--check`` keeps its cache; None: the default,
    #: ``.contract-lsp-cache`` at the root
    cache_dir: Path | None = None

    @property
    def registry_paths(self) -> list[Path]:
        """Where the registry is read from: the contract paths, then the selected packs."""
        return [*self.contract_paths, *self.pack_paths]

    def is_selected(self, code: str) -> bool:
        """Whether findings with ``code`` are reported, ruff-style prefixes.

        With ``select`` empty every code is selected; otherwise the code must start with a
        select entry (``ALL`` matches everything). An ``ignore`` entry that is a prefix of
        the code drops it unless a select entry matching it is strictly longer (more
        specific): ``select=["CL0"], ignore=["CL"]`` keeps CL001, while
        ``select=["CL0"], ignore=["CL001"]`` drops it; on a tie, ignore wins.
        """
        code = code.upper()
        if self.select:
            matching = [_prefix(s) for s in self.select if code.startswith(_prefix(s))]
            if not matching:
                return False
            chosen = max(len(m) for m in matching)
        else:
            chosen = 0
        return not any(code.startswith(_prefix(i)) and len(_prefix(i)) >= chosen for i in self.ignore)

    def severity_for(self, code: str, default: str) -> str:
        """The configured severity of ``code`` (the longest matching code prefix of
        ``severity``), else ``default``."""
        best = max((k for k in self.severity if code.upper().startswith(_prefix(k))), key=lambda k: len(_prefix(k)), default=None)
        return self.severity[best] if best is not None else default


def _prefix(entry: str) -> str:
    return "" if entry.upper() == "ALL" else entry.upper()


def unknown_codes(entries: Iterable[str]) -> list[str]:
    """The entries of a ``select`` / ``ignore`` list (SPEC §1, §4) that match no code: a
    valid entry is ``ALL`` or a prefix of a code of :data:`contract_lsp.findings.RULES`,
    case-insensitive. Returned as given, in order."""
    from .findings import RULES

    return [e for e in entries if not any(code.startswith(_prefix(e)) for code in RULES)]


def unknown_code_message(entry: str) -> str:
    """What is wrong with ``entry``, one of :func:`unknown_codes`, for an error message."""
    from .findings import RULES

    return f"unknown code {entry!r} (expected ALL or a prefix of a code: {', '.join(RULES)})"


# -- reading and checking values -------------------------------------------------------


def _strings(value: Any, key: str, where: str, *, comma_separated: bool) -> list[str]:
    if isinstance(value, str):
        # the command line passes "CL001,CL002"; a single path is a list of one
        value = [v.strip() for v in value.split(",") if v.strip()] if comma_separated else [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return list(value)


def _canonical_key(key: str) -> str:
    return _SPELLINGS.get(key, key)


def _apply(settings: Settings, table: dict, base: Path, where: str, *, strict: bool) -> None:
    """Set ``settings`` from one source's ``table``; paths are relative to ``base``.
    ``strict``: unknown keys are errors (pyproject) rather than ignored (client settings,
    which hold the editor extension's own keys too)."""
    for raw_key, value in table.items():
        key = _canonical_key(str(raw_key))
        if key not in KEYS:
            if strict:
                import difflib

                close = difflib.get_close_matches(key, KEYS, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise ConfigError(f"{where}: unknown key '{raw_key}' in [tool.contract-lsp]{hint}")
            continue
        if key in ("contracts", "src"):
            paths = [(base / p).resolve() for p in _strings(value, key, where, comma_separated=False)]
            setattr(settings, "contract_paths" if key == "contracts" else "src", paths)
        elif key in ("include", "exclude"):
            setattr(settings, key, _strings(value, key, where, comma_separated=False))
        elif key in ("select", "ignore"):
            given = _strings(value, key, where, comma_separated=True)
            bad = unknown_codes(given)
            if bad and strict:
                raise ConfigError(f"{where}: '{key}' has an {unknown_code_message(bad[0])}")
            # a client's bad entries are left out; with none left, the key is as if not set
            codes = [c.upper() for c in given if c not in bad]
            if codes or not bad:
                setattr(settings, key, codes)
        elif key == "discover":
            choices = _strings(value, key, where, comma_separated=True)
            for choice in choices:
                if choice not in DISCOVER_CHOICES:
                    raise ConfigError(f"{where}: 'discover' accepts only {', '.join(map(repr, DISCOVER_CHOICES))}, not {choice!r}")
            settings.discover = choices
        elif key == "packs":
            from .packs import unknown_pack_message, unknown_packs

            names = _strings(value, key, where, comma_separated=True)
            bad = unknown_packs(names)
            if bad and strict:
                raise ConfigError(f"{where}: 'packs' has an {unknown_pack_message(bad[0])}")
            settings.packs = [n for n in names if n not in bad]  # a client's unknown ones are left out
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'severity' must be a table of code = \"error|warning|info|hint\"")
            levels: dict[str, str] = {}
            for code, level in value.items():
                if not isinstance(level, str) or level.lower() not in SEVERITIES:
                    raise ConfigError(f"{where}: severity of {code} must be one of {', '.join(SEVERITIES)}, not {level!r}")
                levels[str(code).upper()] = level.lower()
            settings.severity = levels
        elif key == "cache_dir":
            if not isinstance(value, str):
                raise ConfigError(f"{where}: 'cache-dir' must be a path (a string)")
            settings.cache_dir = (base / value).resolve()
        else:  # diagnostic_mode
            if value not in DIAGNOSTIC_MODES:
                raise ConfigError(f"{where}: 'diagnosticMode' must be one of {', '.join(DIAGNOSTIC_MODES)}, not {value!r}")
            settings.diagnostic_mode = value


def _read_pyproject(pyproject: Path) -> dict:
    import tomllib  # only when there is a pyproject.toml: ~7 ms to import

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{pyproject}: invalid TOML: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("contract-lsp", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.contract-lsp] must be a table")
    return table


def load_settings(root: Path, *, cli_contracts: list[Path] | None = None, overrides: dict | None = None, cli_packs: list[str] | None = None) -> Settings:
    """The settings of the workspace at ``root`` (SPEC §1).

    Sources, later ones winning key by key: ``[tool.contract-lsp]`` of
    ``<root>/pyproject.toml`` (paths relative to that file); ``overrides``, the same keys
    from an LSP client (``contractLsp`` section, ``diagnosticMode`` or ``diagnostic_mode``;
    paths relative to ``root``; unknown keys ignored; a ``None`` or empty value means
    "not set", since editors send their defaults); ``cli_contracts`` (``--contracts``,
    relative to the current directory). When no source names contract paths,
    ``<root>/contracts/`` is used if it exists. Raises :class:`ConfigError` (naming the
    pyproject path or the client settings) for unreadable TOML, unknown keys or
    ``select`` / ``ignore`` codes in pyproject, wrong types, and unknown severities, modes
    or discover choices; the client's unknown codes are dropped instead.
    ``cli_packs`` (``--pack``) add to the configured ``packs``; an unknown one is a
    ConfigError. ``pack_paths`` are then resolved (``auto``: from the declared dependencies).
    """
    root = Path(root).resolve()
    settings = Settings(root=root)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        _apply(settings, _read_pyproject(pyproject), pyproject.parent, str(pyproject), strict=True)
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None and v != [] and v != {} and v != ""}
        _apply(settings, given, root, "client settings (contractLsp)", strict=False)
    if cli_contracts:
        settings.contract_paths = [Path(p).resolve() for p in cli_contracts]
    elif not settings.contract_paths and (root / "contracts").is_dir():
        settings.contract_paths = [root / "contracts"]
    if cli_packs:
        from .packs import unknown_pack_message, unknown_packs

        bad = unknown_packs(list(cli_packs))
        if bad:
            raise ConfigError(f"--pack: {unknown_pack_message(bad[0])}")
        settings.packs = list(dict.fromkeys([*settings.packs, *cli_packs]))
    if settings.packs:
        from .packs import pack_paths

        settings.pack_paths = pack_paths(settings.packs, root)
    return settings


# -- which files are checked -----------------------------------------------------------


class PathFilter:
    """Which Python files are checked (SPEC §1): gitignore-style ``include`` / ``exclude``
    patterns (pathspec) matched against paths relative to the root (files outside the root
    are matched by their absolute path without the leading ``/``), and never anything under
    :data:`ALWAYS_SKIPPED` folders or a virtualenv (a folder holding ``pyvenv.cfg``)."""

    def __init__(self, settings: Settings) -> None:
        self.root = str(settings.root)
        self._root_prefix = self.root.rstrip(os.sep) + os.sep
        self._include = self._exclude = None
        self._venvs: dict[str, bool] = {}  # folder -> holds pyvenv.cfg
        self._inside: dict[str, bool] = {}  # folder -> is or is inside a virtualenv
        if settings.include or settings.exclude:
            import pathspec  # only when there are patterns: ~25 ms to import

            if settings.include:
                self._include = pathspec.GitIgnoreSpec.from_lines(settings.include)
            if settings.exclude:
                self._exclude = pathspec.GitIgnoreSpec.from_lines(settings.exclude)

    def _relative(self, path: str) -> str:
        if path.startswith(self._root_prefix):
            return path[len(self._root_prefix):]
        return path.lstrip(os.sep)

    def _is_venv(self, folder: str) -> bool:
        known = self._venvs.get(folder)
        if known is None:
            known = self._venvs[folder] = os.path.exists(os.path.join(folder, "pyvenv.cfg"))
        return known

    def _in_venv(self, folder: str) -> bool:
        """Whether ``folder`` or an ancestor up to the root is a virtualenv (cached)."""
        known = self._inside.get(folder)
        if known is None:
            # (with the root at ``/`` every folder starts with the prefix: stop at the root)
            if folder == self.root or not folder.startswith(self._root_prefix):
                known = False  # the root itself, or outside it: not ours to judge
            else:
                known = self._is_venv(folder) or self._in_venv(os.path.dirname(folder))
            self._inside[folder] = known
        return known

    def skips_folder(self, path: str | Path, name: str | None = None) -> bool:
        """True for a folder that is never walked: an always-skipped name, a virtualenv, or
        excluded by the patterns. ``path`` absolute; ``name`` its last part if known."""
        path = os.fspath(path)
        name = name if name is not None else os.path.basename(path)
        if name in ALWAYS_SKIPPED or self._is_venv(path):
            return True
        return self._exclude is not None and self._exclude.match_file(self._relative(path) + "/")

    def matches(self, path: str | Path) -> bool:
        """True when the file at ``path`` is checked: not inside an always-skipped folder
        or a virtualenv below the root, not excluded, and included when ``include`` is set.
        (Folders above the root, and those of files outside it, are not judged: only
        patterns apply to them.)"""
        path = os.path.abspath(path)
        rel = self._relative(path)
        if path.startswith(self._root_prefix):
            parts = rel.split(os.sep)
            if any(part in ALWAYS_SKIPPED for part in parts[:-1]) or self._in_venv(os.path.dirname(path)):
                return False
        if self._exclude is not None and self._exclude.match_file(rel):
            return False
        return self._include is None or self._include.match_file(rel)


def walk_python_files(
    paths: Iterable[Path],
    path_filter: PathFilter,
    notebooks: bool = False,
    on_error: Callable[[str, OSError], None] | None = None,
) -> Iterator[str]:
    """Absolute paths (``str``) of the ``*.py`` files under ``paths`` (and ``*.ipynb`` with
    ``notebooks``: ``--check`` reads them, SPEC §3.5; they are no modules), in a stable order
    (each folder's files sorted, then its subfolders). A path named directly that is not a
    folder is always yielded, as ruff does, whatever it is (a FIFO, a device, a broken
    link): the reader names what it cannot read. Folders are walked with
    :func:`os.scandir`, pruning skipped folders before descending (see
    :class:`PathFilter`); symlinked folders are not followed. Each real file is yielded
    once, whatever links lead to it (issue 15): under its own name when that is among the
    paths found, else under the first link found. A folder that cannot be listed is passed
    to ``on_error`` (path, the ``OSError``) and skipped; without ``on_error``, silently.
    """
    # (path, its real path, is a symbolic link): a file below a top is its real path only
    # when it is no link itself, the top resolved once (folders below are never links here)
    found: list[tuple[str, str, bool]] = []
    for top in paths:
        top_s = os.path.abspath(top)
        if not os.path.isdir(top_s):
            found.append((top_s, os.path.realpath(top_s), os.path.islink(top_s)))
            continue
        top_real = os.path.realpath(top_s)
        cut = len(top_s)
        stack = [top_s]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError as exc:
                if on_error is not None:
                    on_error(folder, exc)
                continue
            subfolders = []
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if not entry.is_symlink() and not path_filter.skips_folder(entry.path, name):
                        subfolders.append(entry.path)
                elif (name.endswith(".py") or (notebooks and name.endswith(".ipynb"))) and path_filter.matches(entry.path):
                    full = entry.path
                    if entry.is_symlink():
                        found.append((full, os.path.realpath(full), True))
                    else:
                        found.append((full, top_real + full[cut:], False))
            stack.extend(reversed(subfolders))
    # one name per real file: its own when found (not a link), else the first link to it
    own = {real for _, real, link in found if not link}
    chosen: dict[str, str] = {}
    for path, real, link in found:
        if real not in chosen and not (link and real in own):
            chosen[real] = path
    yield from chosen.values()
