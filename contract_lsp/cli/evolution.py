"""``--extract``, ``--diff-contracts`` and ``--impact`` (SPEC §4): thin renderers over
:mod:`contract_lsp.evolution`. Text by default, JSON with ``--format json``."""

from __future__ import annotations

import argparse
import json
import sys

from ..evolution.diff import Change, DiffError, compare, registry_at
from ..evolution.extract import ExtractError, extract_yaml
from ..evolution.impact import Site, find_impact
from .formats import display_path
from .workspace import open_cli_workspace


def run_extract(args: argparse.Namespace) -> int:
    opened = open_cli_workspace(args, require_contracts=False)
    if isinstance(opened, int):
        return opened
    try:
        sys.stdout.write(extract_yaml(opened.project.index, args.extract))
    except ExtractError as exc:
        print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    return 0


def site_name(site: Site) -> str:
    return site.messages[0].split(" ", 1)[0] if site.messages else ""


def _implementations_lacking(opened):
    def lacking(contract, method: str) -> list[str]:
        sites = find_impact(opened.project, contract.name) if opened.project.registry.get(contract.name) else []
        out = []
        for site in sites:
            if site.kind == "implementation" and any(m.startswith(f"{site_name(site)} does not implement") and f"'{method}'" in m for m in site.messages):
                out.append(f"{display_path(site.path, opened.cwd)}:{site.range.start.line + 1}")
        return out

    return lacking


def run_diff_contracts(args: argparse.Namespace) -> int:
    opened = open_cli_workspace(args, require_contracts=False)
    if isinstance(opened, int):
        return opened
    project = opened.project
    try:
        old = registry_at(opened.root, args.diff_contracts, project.settings.contract_paths)
    except DiffError as exc:
        print(f"contract-lsp: {exc}", file=sys.stderr)
        return 2
    if old.errors:
        for error in old.errors:
            print(f"{error.path}:{error.line}:{error.column}: CL900 {error.message}", file=sys.stderr)
        return 2
    changes = compare(old, project.registry, _implementations_lacking(opened))
    breaking = [c for c in changes if c.breaking]
    if args.format == "json":
        print(json.dumps([_change_json(c) for c in changes], indent=2))
    else:
        for change in changes:
            label = "breaking" if change.breaking else "compatible"
            if change.migratable:
                label = "breaking (migratable)"
            print(f"{label}: {change.contract}: {change.message}")
            for detail in change.details:
                print(f"    {detail}")
        print(f"{len(breaking)} breaking, {len(changes) - len(breaking)} compatible change{'s' if len(changes) - len(breaking) != 1 else ''} since {args.diff_contracts}.")
    return 1 if breaking else 0


def _change_json(change: Change) -> dict:
    return {"contract": change.contract, "breaking": change.breaking, "migratable": change.migratable, "message": change.message, "details": list(change.details)}


def run_impact(args: argparse.Namespace) -> int:
    opened = open_cli_workspace(args)
    if isinstance(opened, int):
        return opened
    try:
        sites = find_impact(opened.project, args.impact, opened.workspace if not args.paths else opened.checked)
    except KeyError:
        print(f"contract-lsp: no contract named {args.impact!r}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps([_site_json(s, opened.cwd) for s in sites], indent=2))
    else:
        for site in sites:
            state = "valid" if site.valid else f"invalid ({', '.join(site.codes)})"
            print(f"{display_path(site.path, opened.cwd)}:{site.range.start.line + 1}:{site.range.start.character + 1}: {site.kind} {state}")
        calls = sum(1 for s in sites if s.kind == "call")
        impls = len(sites) - calls
        invalid = sum(1 for s in sites if not s.valid)
        print(f"{args.impact}: {calls} call site{'s' if calls != 1 else ''}, {impls} implementation{'s' if impls != 1 else ''}, {invalid} invalid.")
    return 0


def _site_json(site: Site, cwd) -> dict:
    return {
        "path": display_path(site.path, cwd),
        "line": site.range.start.line + 1,
        "column": site.range.start.character + 1,
        "kind": site.kind,
        "valid": site.valid,
        "codes": list(site.codes),
    }
