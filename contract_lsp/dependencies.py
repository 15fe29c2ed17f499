"""What a project declares it depends on, and the oldest release of each it allows (SPEC §1, §3.1).

Read from the workspace root: ``[project] dependencies`` of ``pyproject.toml``,
``requirements*.txt`` (following ``-r`` / ``--requirement`` includes inside the root),
``[options] install_requires`` of ``setup.cfg``, and ``install_requires`` of ``setup.py``
when it is a literal (``ast.literal_eval`` of the keyword's value, or of the module-level
name it is; setup.py is never run). Specifiers are parsed with ``packaging``.

Used twice: ``packs = ["auto"]`` takes a pack for every declared distribution, and a rename
fix to a parameter with ``since`` is safe only when the project's declared minimum of the
contract's ``package`` is at least ``since``. A distribution declared in several places (or
under several environment markers) allows the union of what they allow: its minimum is the
lowest, so a fix is offered only when every declaration excludes the releases that lack the
new name. Optional dependencies and other tools' tables (Poetry, PDM) are not read: SPEC §1
names only these sources, and a fix withheld is the safe side.

Never raises for unreadable or malformed files: what cannot be read declares nothing.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

#: The files read, relative to the root (``requirements*.txt`` is globbed).
_FIXED_FILES = ("pyproject.toml", "setup.cfg", "setup.py")
_MAX_INCLUDES = 10
_MAX_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Floor:
    """What a project allows of one distribution.

    ``declared``: some source names it. ``minimum``: the lowest release every declaration
    allows (a ``packaging.version.Version``; an exact pin is its own minimum), None when one
    declaration has no lower bound. ``shown``: ``minimum`` as written (``1.3``)."""

    declared: bool
    minimum: object | None = None
    shown: str | None = None


@dataclass
class Declared:
    """The project's declared dependencies: canonical distribution name -> the specifier
    sets declaring it (one per declaration), and the files read."""

    specifiers: dict[str, list[object]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def names(self) -> set[str]:
        """Canonical names (PEP 503: lower case, runs of ``-_.`` as ``-``) of every
        declared distribution."""
        return set(self.specifiers)

    def floor(self, distribution: str) -> Floor:
        """The oldest release of ``distribution`` (any spelling) the project allows."""
        sets = self.specifiers.get(canonical_name(distribution))
        if not sets:
            return Floor(False)
        floors = [_lower_bound(s) for s in sets]
        if any(f is None for f in floors):
            return Floor(True)
        lowest = min(floors, key=lambda f: f[0])  # type: ignore[index]
        return Floor(True, lowest[0], lowest[1])  # type: ignore[index]


def canonical_name(name: str) -> str:
    """PEP 503 normalised distribution name (``Scikit_Learn`` -> ``scikit-learn``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def allows_only_from(floor: Floor, since: str) -> bool:
    """Whether every release ``floor`` allows is at least ``since`` (a version string)."""
    from packaging.version import InvalidVersion, Version

    if floor.minimum is None:
        return False
    try:
        return floor.minimum >= Version(since)  # type: ignore[operator]
    except InvalidVersion:
        return False


def _lower_bound(specifiers: object) -> tuple[object, str] | None:
    """(lowest allowed Version, as written) of a ``SpecifierSet``, or None when it has no
    lower bound (``pandas``, ``pandas<3``, ``pandas!=1.0``)."""
    from packaging.version import InvalidVersion, Version

    best: tuple[object, str] | None = None
    for spec in specifiers:  # type: ignore[attr-defined]
        version = spec.version
        if spec.operator in (">=", ">", "~=", "==", "==="):
            if spec.operator == "==" and version.endswith(".*"):
                version = version[:-2]
            try:
                parsed = Version(version)
            except InvalidVersion:
                continue  # ``===foo``: an arbitrary string; no bound known
            # ``>1.3`` allows nothing below 1.3 either: taking 1.3 as the bound stays sound
            if best is None or parsed > best[0]:  # several lower bounds: the highest binds
                best = (parsed, version)
    return best


def read_declared(root: Path) -> Declared:
    """The dependencies declared at workspace ``root`` (see the module docstring). Cached
    by the files' sizes and modification times, so calling it per check costs a few
    ``stat`` calls."""
    root = Path(root)
    files = [root / name for name in _FIXED_FILES] + _requirements_files(root)
    stamp = []
    for file in files:
        try:
            info = file.stat()
        except OSError:
            continue
        stamp.append((str(file), info.st_mtime_ns, info.st_size))
    return _read_cached(str(root), tuple(stamp))


def fingerprint(root: Path) -> str:
    """A string that changes whenever the declarations at ``root`` may have changed (for
    caches of findings, whose fixes depend on them)."""
    declared = read_declared(root)
    return repr(sorted((name, sorted(str(s) for s in sets)) for name, sets in declared.specifiers.items()))


def _requirements_files(root: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    return [root / n for n in names if n.startswith("requirements") and n.endswith(".txt") and (root / n).is_file()]


@lru_cache(maxsize=16)
def _read_cached(root: str, stamp: tuple) -> Declared:
    declared = Declared()
    base = Path(root)
    for path, _, _ in stamp:
        name = os.path.basename(path)
        text = _read_text(Path(path))
        if text is None:
            continue
        if name == "pyproject.toml":
            lines = _pyproject(text)
        elif name == "setup.cfg":
            lines = _setup_cfg(text)
        elif name == "setup.py":
            lines = _setup_py(text)
        else:
            lines = list(_requirements(Path(path), text, base, set()))
        if lines:
            declared.files.append(path)
        for line in lines:
            _add(declared, line)
    return declared


def _read_text(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(data) > _MAX_FILE_BYTES:
        return None
    return data.decode("utf-8-sig", errors="replace")


def _add(declared: Declared, line: str) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return
    if requirement.url:
        return  # ``name @ https://...``: no release number to compare
    declared.specifiers.setdefault(canonical_name(requirement.name), []).append(requirement.specifier)


def _pyproject(text: str) -> list[str]:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    project = data.get("project")
    deps = project.get("dependencies") if isinstance(project, dict) else None
    return [d for d in deps if isinstance(d, str)] if isinstance(deps, list) else []


def _setup_cfg(text: str) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
        value = parser.get("options", "install_requires", fallback="")
    except configparser.Error:
        return []
    lines = []
    for raw in value.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _setup_py(text: str) -> list[str]:
    """``install_requires`` of the ``setup(...)`` calls of a setup.py, when literal: the
    keyword's value, or a module-level name assigned a literal (never executed)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    assigned: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            assigned[stmt.targets[0].id] = stmt.value
    lines: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id if isinstance(node.func, ast.Name) else None
        if callee != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg != "install_requires":
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = assigned.get(value.id, value)
            try:
                literal = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(literal, str):
                literal = literal.splitlines()
            if isinstance(literal, (list, tuple)):
                lines.extend(item.strip() for item in literal if isinstance(item, str) and item.strip())
    return lines


def _requirements(path: Path, text: str, root: Path, seen: set[str]):
    """Requirement lines of a pip requirements file (comments, options, editable installs
    and URLs left out; ``-r`` includes followed inside ``root``)."""
    seen.add(os.path.realpath(path))
    text = re.sub(r"\\\r?\n", "", text)  # line continuations
    for raw in text.splitlines():
        line = re.split(r"(^|\s)#", raw, maxsplit=1)[0].strip()
        if not line:
            continue
        if line.startswith(("-r", "--requirement")):
            name = re.sub(r"^(-r|--requirement)[=\s]*", "", line).strip()
            include = (path.parent / name).resolve()
            inside = str(include).startswith(str(root.resolve()) + os.sep)
            if inside and os.path.realpath(include) not in seen and len(seen) < _MAX_INCLUDES:
                included = _read_text(include)
                if included is not None:
                    yield from _requirements(include, included, root, seen)
            continue
        if line.startswith("-"):
            continue  # -e, -c, --index-url, --hash...: not a versioned requirement here
        line = re.split(r"\s+--", line, maxsplit=1)[0]  # per-line options (--hash=...)
        yield line
