"""``--extract``, ``--diff-contracts`` and ``--impact`` (SPEC §4): thin renderers over
:mod:`contract_lsp.evolution`. ``--extract`` prints YAML; the others text, or JSON with
``--format json``. Lines and columns print 1-based; paths relative to the current
directory when under it. Exit status: 2 for usage errors (unknown name, bad revision,
invalid contract file); ``--diff-contracts`` exits 1 when a change is breaking.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from ..evolution.diff import Affected, Change, DiffError, compare, registry_at, summary
from ..evolution.extract import ExtractError, extract_yaml
from ..evolution.impact import Site, find_impact
from .formats import display_path
from .workspace import CliWorkspace, open_cli_workspace, read_bytes


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _only_text_or_json(args: argparse.Namespace, mode: str) -> bool:
    if args.format not in ("text", "json"):
        print(f"contract-lsp: {mode} prints text or json, not {args.format}", file=sys.stderr)
        return False
    return True


# -- --extract ---------------------------------------------------------------------------


def run_extract(args: argparse.Namespace) -> int:
    """Print one YAML contract per QUALNAME; exit 2 when one is not a workspace definition."""
    opened = open_cli_workspace(args, require_contracts=False)
    if isinstance(opened, int):
        return opened
    try:
        text = extract_yaml(opened.project.index, args.extract)
    except ExtractError as exc:
        print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


# -- --diff-contracts --------------------------------------------------------------------


def _affected_text(item: Affected, cwd: Path) -> str:
    return f"    {display_path(item.path, cwd)}:{item.line}:{item.column}: {item.name}: {item.problem}"


def _change_json(change: Change, cwd: Path) -> dict:
    return {
        "contract": change.contract,
        "breaking": change.breaking,
        "migratable": change.migratable,
        "message": change.message,
        "details": list(change.details),
        "affected": [
            {"path": display_path(a.path, cwd), "line": a.line, "column": a.column, "name": a.name, "problem": a.problem}
            for a in change.affected
        ],
    }


def run_diff_contracts(args: argparse.Namespace) -> int:
    """Compare the registry at ``args.diff_contracts`` with the working tree's; exit 1 when
    a change is breaking, 2 when git or a contract file fails."""
    if not _only_text_or_json(args, "--diff-contracts"):
        return 2
    opened = open_cli_workspace(args, require_contracts=False)
    if isinstance(opened, int):
        return opened
    project, cwd, rev = opened.project, opened.cwd, args.diff_contracts
    paths = project.settings.contract_paths or [opened.root / "contracts"]
    try:
        old = registry_at(opened.root, rev, paths)
    except DiffError as exc:
        print(f"contract-lsp: --diff-contracts {rev}: {exc}", file=sys.stderr)
        return 2
    if old.errors:
        for error in old.errors:
            print(f"{error.path}:{error.line}:{error.column}: CL900 {error.message}", file=sys.stderr)
        return 2
    _expand(opened)
    changes = compare(old, project.registry, project)
    breaking, migratable, compatible = summary(changes)
    if args.format == "json":
        print(json.dumps([_change_json(c, cwd) for c in changes], indent=2, ensure_ascii=False))
    else:
        for change in changes:
            print(f"{change.label}: {change.contract}: {change.message}")
            for detail in change.details:
                print(f"    {detail}")
            for item in change.affected:
                print(_affected_text(item, cwd))
        extra = f" ({migratable} migratable with --fix)" if migratable else ""
        print(f"{breaking} breaking{extra}, {compatible} compatible since {rev}.")
    return 1 if breaking else 0


# -- --impact ----------------------------------------------------------------------------


def _expand(opened: CliWorkspace) -> None:
    """Grow the prefilter over the workspace (aliases, indirect implementations), as
    ``--check`` does, so that impact finds what the rules check."""
    contents = {p: data for p in opened.workspace if (data := read_bytes(p)) is not None}
    opened.project.expand_words(contents)


def _site_json(site: Site, cwd: Path) -> dict:
    return {
        "path": display_path(site.path, cwd),
        "line": site.range.start.line + 1,
        "column": site.range.start.character + 1,
        "kind": site.kind,
        "valid": site.valid,
        "codes": list(site.codes),
    }


def run_impact(args: argparse.Namespace) -> int:
    """List the call sites and implementations of contract ``args.impact`` (a contract
    name or a target's dotted path); exit 0, or 2 when no contract matches."""
    if not _only_text_or_json(args, "--impact"):
        return 2
    opened = open_cli_workspace(args)
    if isinstance(opened, int):
        return opened
    project = opened.project
    _expand(opened)
    try:
        sites = find_impact(project, args.impact, opened.checked if args.paths else opened.workspace)
    except KeyError:
        names = [c.name for c in project.registry.contracts]
        close = difflib.get_close_matches(args.impact, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        print(f"contract-lsp: no contract named {args.impact!r}{hint}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([_site_json(s, opened.cwd) for s in sites], indent=2, ensure_ascii=False))
        return 0
    for site in sites:
        state = "valid" if site.valid else f"invalid ({', '.join(site.codes)})"
        where = f"{display_path(site.path, opened.cwd)}:{site.range.start.line + 1}:{site.range.start.character + 1}"
        print(f"{where}: {site.kind} {state}")
    calls = sum(1 for s in sites if s.kind == "call")
    invalid = sum(1 for s in sites if not s.valid)
    print(f"{args.impact}: {_plural(calls, 'call site')}, {_plural(len(sites) - calls, 'implementation')}, {invalid} invalid.")
    return 0
