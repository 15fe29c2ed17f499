"""Configuration and workspace discovery (SPEC §1).

The workspace root is the nearest folder upward holding ``pyproject.toml`` or ``.git``.
Settings come from ``[tool.contract-lsp]`` in its ``pyproject.toml``, overridden by the
command line or by an LSP client's ``initializationOptions`` / ``didChangeConfiguration``
(section ``contractLsp``, same keys). Kept free of heavy imports: ``--check`` loads it first.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

SEVERITIES = ("error", "warning", "info", "hint")
DIAGNOSTIC_MODES = ("openFiles", "workspace")
#: Folders never walked, whatever the configuration says (SPEC §1).
ALWAYS_SKIPPED = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "site-packages", ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


class ConfigError(Exception):
    """Invalid configuration; the message names the file (or the client) and the key."""


def find_workspace_root(start: Path) -> Path:
    """The nearest folder from ``start`` upward holding ``pyproject.toml`` or ``.git``;
    ``start`` itself when there is none."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / ".git").exists():
            return folder
    return start


@dataclass
class Settings:
    """Everything configurable, with paths made absolute."""

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

    def is_selected(self, code: str) -> bool:
        """Whether ``code`` is reported: selected when ``select`` is empty or one of its
        entries is a prefix of the code, unless an ``ignore`` prefix at least as specific as
        the longest matching select entry covers it (as in ruff)."""
        chosen = max((len(s) for s in self.select if code.startswith(s)), default=-1 if self.select else 0)
        if chosen < 0:
            return False
        return not any(code.startswith(i) and len(i) >= chosen for i in self.ignore)

    def severity_for(self, code: str, default: str) -> str:
        """The configured severity of ``code`` (longest matching prefix), else ``default``."""
        best = max((k for k in self.severity if code.startswith(k)), key=len, default=None)
        return self.severity[best] if best is not None else default


def _string_list(value: object, key: str, where: str) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of strings")
    return list(value)


def _apply(settings: Settings, table: dict, base: Path, where: str) -> None:
    known = {"contracts", "src", "include", "exclude", "select", "ignore", "severity", "discover", "diagnosticMode", "diagnostic_mode", "diagnostic-mode"}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown key '{key}' in [tool.contract-lsp]")
        if key == "contracts":
            settings.contract_paths = [(base / p).resolve() for p in _string_list(value, key, where)]
        elif key == "src":
            settings.src = [(base / p).resolve() for p in _string_list(value, key, where)]
        elif key in ("include", "exclude", "discover"):
            setattr(settings, key, _string_list(value, key, where))
        elif key in ("select", "ignore"):
            setattr(settings, key, [c.upper() for c in _string_list(value, key, where)])
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'severity' must be a table of code = severity")
            for code, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(f"{where}: severity of {code} must be one of {', '.join(SEVERITIES)}, not {level!r}")
            settings.severity = {str(k).upper(): v for k, v in value.items()}
        else:
            if value not in DIAGNOSTIC_MODES:
                raise ConfigError(f"{where}: diagnosticMode must be one of {', '.join(DIAGNOSTIC_MODES)}")
            settings.diagnostic_mode = value
    unknown = [d for d in settings.discover if d != "protocols"]
    if unknown:
        raise ConfigError(f"{where}: discover accepts only \"protocols\", not {unknown[0]!r}")


def load_settings(root: Path, *, cli_contracts: list[Path] | None = None, overrides: dict | None = None) -> Settings:
    """Settings of the workspace at ``root`` (SPEC §1 precedence: ``cli_contracts``, then
    ``pyproject.toml``'s ``contracts``, then ``<root>/contracts/`` if it exists).
    ``overrides`` are client or command-line values of the same keys (paths relative to
    ``root``). Raises ConfigError for an unreadable or invalid configuration."""
    root = root.resolve()
    settings = Settings(root=root)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{pyproject}: {exc}") from None
        table = data.get("tool", {}).get("contract-lsp", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{pyproject}: [tool.contract-lsp] must be a table")
        _apply(settings, table, root, str(pyproject))
    if overrides:
        _apply(settings, {k: v for k, v in overrides.items() if v is not None}, root, "client settings")
    if cli_contracts:
        settings.contract_paths = [Path(p).resolve() for p in cli_contracts]
    elif not settings.contract_paths and (root / "contracts").is_dir():
        settings.contract_paths = [root / "contracts"]
    return settings


class PathFilter:
    """Which files ``--check`` walks: gitignore-style ``include`` / ``exclude`` (pathspec)
    relative to the root (or to nothing, for files outside it), and never the folders of
    :data:`ALWAYS_SKIPPED` or a virtualenv (a folder holding ``pyvenv.cfg``)."""

    def __init__(self, settings: Settings) -> None:
        import pathspec

        self.root = settings.root
        self._include = pathspec.GitIgnoreSpec.from_lines(settings.include) if settings.include else None
        self._exclude = pathspec.GitIgnoreSpec.from_lines(settings.exclude) if settings.exclude else None

    def _relative(self, path: str) -> str:
        try:
            return os.path.relpath(path, self.root) if path.startswith(str(self.root) + os.sep) else path.lstrip(os.sep)
        except ValueError:
            return path

    def skips_folder(self, path: str, name: str) -> bool:
        """True for a folder that is never walked or is excluded."""
        if name in ALWAYS_SKIPPED or os.path.isfile(os.path.join(path, "pyvenv.cfg")):
            return True
        return bool(self._exclude and self._exclude.match_file(self._relative(path) + "/"))

    def matches(self, path: str) -> bool:
        """True when the file at ``path`` is checked."""
        rel = self._relative(path)
        if self._exclude is not None and self._exclude.match_file(rel):
            return False
        return self._include is None or self._include.match_file(rel)


def walk_python_files(paths: Iterable[Path], path_filter: PathFilter) -> Iterator[str]:
    """Absolute paths of the ``*.py`` files under ``paths`` (files named directly are always
    yielded), pruning skipped folders, in a stable order."""
    for top in paths:
        top_s = os.path.abspath(top)
        if os.path.isfile(top_s):
            yield top_s
            continue
        for folder, dirs, files in os.walk(top_s):
            dirs[:] = sorted(d for d in dirs if not path_filter.skips_folder(os.path.join(folder, d), d))
            for name in sorted(files):
                if name.endswith(".py"):
                    full = os.path.join(folder, name)
                    if path_filter.matches(full):
                        yield full
