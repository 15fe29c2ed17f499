"""``contract-lsp --check --stdin-filename PATH -``: check standard input as if it were PATH
(SPEC §4), for editors and pipelines.

The workspace, settings and registry are those ``--check`` opens from the current directory;
the text is checked by :func:`contract_lsp.cli.check._check_one`, the very function
``--check`` runs on each file (decoding, newer grammar, unparseable files), with PATH's
bytes replaced by standard input's. Nothing is written: ``--fix`` prints the fixed source on
stdout (as ruff does) and its summary on stderr; ``--diff`` prints the diff against PATH.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import check
from .formats import display_path, fixed_summary, render
from .workspace import open_cli_workspace


def run_stdin(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """The stdin mode of ``--check``; returns the exit status (0 clean, 1 findings, 2 usage
    or workspace errors through ``parser.error`` / the workspace's messages). PATH need not
    exist; it names the module (for import resolution) and the findings."""
    if args.stdin_filename is None:
        parser.error("the path - (standard input) needs --stdin-filename PATH")
    if args.paths != ["-"]:
        parser.error("--stdin-filename reads standard input: give the path - and no other")
    data = sys.stdin.buffer.read()
    path = os.path.abspath(args.stdin_filename)
    opened = open_cli_workspace(argparse.Namespace(**{**vars(args), "paths": []}))
    if isinstance(opened, int):
        return opened
    cwd = opened.cwd
    # the same state --check sets before it checks a file, with PATH's bytes from stdin
    check._PROJECT, check._CONTENTS, check._SCREEN = opened.project, {**opened.contents, path: data}, None
    findings, text = _check(path, cwd)
    if args.diff:
        return check._print_diff(findings, {path: text} if text is not None else {}, cwd, args.unsafe_fixes)
    if args.fix:
        return _fix(path, data, text, findings, args)
    return check._report(findings, args, cwd, [path])


def _check(path: str, cwd) -> tuple[list, str | None]:
    """(findings, decoded text or None) of the bytes in ``check._CONTENTS[path]``; a text
    that cannot be decoded or parsed is named on stderr, as ``--check`` does, with no
    findings."""
    result = check._check_one(path)
    assert result is not None  # no screen is set: every file is checked
    findings, text, error = result[1], result[2], result[3]  # (path, findings, text, error, ...)
    if error is not None:
        print(f"contract-lsp: {display_path(path, cwd)}: skipped: {error}", file=sys.stderr)
        return [], None
    return findings, text


def _fix(path: str, data: bytes, text: str | None, findings: list, args: argparse.Namespace) -> int:
    """Print the source with the fixes applied (the input unchanged when there are none, or
    its encoding cannot hold them) on stdout, the findings that remain and ``Fixed N
    findings (M remaining).`` on stderr; 1 when some remain."""
    from pathlib import Path

    from .. import __version__
    from ..docs import rules_doc_uri
    from ..fixes import fix_text
    from ..index.workspace import source_encoding

    cwd = Path.cwd()
    fixed = 0
    out = data
    if text is not None:
        encoding = source_encoding(data)  # it decoded: the coding is known
        current, remaining = text, findings
        for _ in range(10):  # as --fix: a fix may enable another; stop when nothing changes
            new, count = fix_text(current, remaining, args.unsafe_fixes)
            if not count:
                break
            try:
                check._CONTENTS[path] = new.encode(encoding)
            except UnicodeEncodeError:
                break
            fixed += count
            current, remaining = new, _check(path, cwd)[0]
        check._CONTENTS[path] = data  # what _encode_as_read compares the text with
        if fixed:
            try:
                out = check._encode_as_read(path, text, current)
            except ValueError as exc:
                print(f"contract-lsp: {display_path(path, cwd)}: not fixed: {exc}", file=sys.stderr)
                fixed, remaining = 0, findings
        findings = remaining
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    if findings:
        print(render(findings, "text", cwd=cwd, tool_version=__version__, rules_doc_uri=rules_doc_uri()), file=sys.stderr)
    print(fixed_summary(fixed, len(findings)), file=sys.stderr)
    return 1 if findings and not args.exit_zero else 0
