"""``contract-lsp --check``: walk, prefilter by bytes, check in parallel, fix, report (SPEC §4).

The run, in order: settings and registry (exit 2 on a broken contract file), the files to
check, their bytes (one read each), the prefilter words grown over the workspace, then
:func:`contract_lsp.engine.check_source` on the files that mention a word, in worker
processes when there are many. Unreadable or unparseable files are named on stderr and
skipped; they do not change the exit status.
"""

from __future__ import annotations

import argparse
import gc
import difflib
import os
import sys
from pathlib import Path

from ..engine import SourceError, check_source
from ..findings import Finding
from ..index.mentions import Mentions
from ..index.workspace import decode_source, source_encoding
from ..project import Project
from ..rules.drift import missing_targets
from .workspace import open_cli_workspace, read_bytes

#: Below this many files to parse, worker processes cost more than they save.
_PARALLEL_THRESHOLD = 48

# State shared with forked workers (copy-on-write): set once before the pool starts.
_PROJECT: Project | None = None
_CONTENTS: dict[str, bytes] = {}
#: The screen of a later phase: its files are screened in the workers, in parallel.
_SCREEN: Mentions | None = None


Result = tuple[str, list[Finding], "str | None", "str | None", "set[str]"]


def _check_one(path: str) -> Result | None:
    """Check one file: (path, findings, text or None, error or None, names of its classes
    that implement a protocol); None when the phase's screen passes over it. Runs in
    workers."""
    project = _PROJECT
    assert project is not None
    data = _CONTENTS.get(path)
    if _SCREEN is not None and (data is None or not _SCREEN(data)):
        return None
    if data is None:
        data = read_bytes(path)
        if data is None:
            return path, [], None, "cannot be read", set()
    try:
        text = decode_source(data)
    except (UnicodeDecodeError, SyntaxError, LookupError) as exc:
        reason = "binary file" if b"\0" in data else f"cannot be decoded ({exc.__class__.__name__}: {getattr(exc, 'reason', exc)})"
        return path, [], None, reason, set()
    implementations: set[str] = set()
    try:
        findings = check_source(text, path, project.table, selection=project.settings, mentions=project.mentions, observed=implementations)
    except SourceError as exc:
        findings = _check_newer_grammar(text, path, exc) if exc.newer_grammar_possible else None
        if findings is None:
            where = f" (line {exc.line})" if exc.line else ""
            return path, [], None, f"{exc.reason}{where}", set()
    except RecursionError:
        return path, [], None, "too deeply nested to analyse", set()
    # the text goes back to the parent only where --fix / --diff may need it
    return path, findings, text if findings else None, None, implementations


def _check_newer_grammar(text: str, path: str, error: SourceError) -> list[Finding] | None:
    """Findings of a file that 3.11's ``ast`` rejects but libcst parses (3.12+ syntax):
    see :mod:`contract_lsp.newer_grammar`. None when it does not parse either way."""
    from ..newer_grammar import parse_newer

    project = _PROJECT
    assert project is not None
    parsed = parse_newer(text, path)
    if parsed is None:
        return None
    tree, rewritten = parsed  # same lines and code-point columns as ``text``
    return check_source(rewritten, path, project.table, selection=project.settings, mentions=project.mentions, tree=tree)


def _check_chunk(paths: list[str]) -> list[Result]:
    return [r for r in map(_check_one, paths) if r is not None]


def _run_all(paths: list[str], jobs: int | None, progress: bool) -> list[Result]:
    workers = jobs or os.cpu_count() or 1
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="file", file=sys.stderr, leave=False)
    results = []
    if workers > 1 and len(paths) >= _PARALLEL_THRESHOLD:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # Largest files first, in small chunks: the last chunk to finish is a short one, so
        # no core idles while the other parses a big file it took at the end.
        paths = sorted(paths, key=lambda p: len(_CONTENTS.get(p, b"")), reverse=True)
        size = max(2, len(paths) // (workers * 16))
        chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for chunk, chunk_results in zip(chunks, pool.map(_check_chunk, chunks)):
                results.extend(chunk_results)
                if bar is not None:
                    bar.update(len(chunk))
    else:
        for path in paths:
            result = _check_one(path)
            if result is not None:
                results.append(result)
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    return results


def _display(path: str, cwd: Path) -> str:
    from .formats import display_path

    return display_path(path, cwd)


def run_check(args: argparse.Namespace) -> int:
    """The ``--check`` mode; returns the exit status."""
    global _PROJECT, _CONTENTS, _SCREEN
    _SCREEN = None  # the first phase's files are screened here, below
    # A one-shot run that builds millions of AST nodes and frees them with their files:
    # the cyclic collector would walk them again and again for nothing (~30% of the time).
    gc.disable()
    opened = open_cli_workspace(args, checking=True)
    if isinstance(opened, int):
        return opened
    cwd, project, checked = opened.cwd, opened.project, opened.checked
    settings = project.settings
    contents = opened.contents
    _PROJECT, _CONTENTS = project, contents
    # Resolve every contract's target before forking, so workers share those facts.
    project.table  # noqa: B018
    results = []
    done: set[str] = set()
    # workspace files this run does not check: classes there may extend what it finds
    outside = opened.outside
    mentions = project.mentions
    # the expansion screened every file already: only those it matched need a second look
    screened = opened.mentioning
    to_check = [p for p in dict.fromkeys(checked) if p not in contents or ((screened is None or p in screened) and mentions(contents[p]))]
    while to_check:
        # Checking a file finds its classes that implement protocols; files that name only
        # those classes (``class Impl(Base)``) can have findings too: check them next.
        progress = sys.stderr.isatty() and not args.no_progress and len(to_check) > 200
        batch = _run_all(to_check, args.jobs, progress)
        results.extend(batch)
        done.update(r[0] for r in batch)
        words, classes = project.words, project.derived_classes
        # what this batch found, and what it makes of classes outside the run
        # (``class B(A)`` in an unchecked module, for a checked ``class C(B)``)
        project.extend_words(outside, classes=set().union(*(r[4] for r in batch)))
        new_words = project.words - words
        new_classes = project.derived_classes - classes
        if not new_words and not new_classes:
            break
        # only what is new can bring in a file the earlier phases left out; the workers
        # screen the rest for it (a pass over most of the bytes: in parallel)
        _SCREEN = Mentions(new_words, new_classes)
        to_check = [p for p in dict.fromkeys(checked) if p not in done and p in contents]

    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for path, file_findings, text, error, _ in sorted(results, key=lambda r: r[0]):
        if error is not None:
            print(f"contract-lsp: {_display(path, cwd)}: skipped: {error}", file=sys.stderr)
            continue
        findings.extend(file_findings)
        if text is not None and file_findings:
            texts[path] = text
    if args.strict and settings.is_selected("CL202"):
        findings.extend(f.with_severity(settings.severity_for("CL202", f.severity)) for f in missing_targets(project.table))  # type: ignore[arg-type]

    if args.diff:
        return _print_diff(findings, texts, cwd, args.unsafe_fixes)
    if args.fix:
        findings = _apply_fixes(findings, texts, project, args.unsafe_fixes)
    return _report(findings, args, cwd, checked)


def _by_path(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _diff_lines(text: str) -> list[str]:
    """``text`` split after each ``\n`` only, as diff and patch see lines (``splitlines``
    would also split at form feeds and other breaks that are not line ends for them)."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _print_diff(findings: list[Finding], texts: dict[str, str], cwd: Path, unsafe: bool) -> int:
    r"""Print the fixes as a unified diff with ``a/`` and ``b/`` paths, change nothing; exit
    1 when there is something to fix (SPEC §4). A last line without a newline is followed
    by GNU diff's ``\ No newline at end of file``, so ``patch -p1`` / ``git apply`` take it."""
    from ..fixes import fix_text

    changed = 0
    for path, file_findings in _by_path(findings).items():
        if path not in texts:
            continue
        new, count = fix_text(texts[path], file_findings, unsafe)
        if count:
            changed += count
            shown = _display(path, cwd)
            for line in difflib.unified_diff(_diff_lines(texts[path]), _diff_lines(new), fromfile=f"a/{shown}", tofile=f"b/{shown}"):
                sys.stdout.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    print(f"Would fix {changed} finding{'s' if changed != 1 else ''}.", file=sys.stderr)
    return 1 if changed else 0


def _apply_fixes(findings: list[Finding], texts: dict[str, str], project: Project, unsafe: bool) -> list[Finding]:
    """Write the fixes to disk and return what remains, re-checked on the fixed text (SPEC
    §4 ``--fix``). A file is written back in the encoding it was read with, so only the
    edited bytes change; one that encoding cannot hold the fix in is left alone, named on
    stderr, with its findings still reported."""
    from ..fixes import fix_text

    remaining: list[Finding] = []
    for path, file_findings in _by_path(findings).items():
        if path not in texts:
            remaining.extend(file_findings)
            continue
        text = texts[path]
        before = file_findings
        total = 0
        for _ in range(10):  # a fix may reveal or enable another; stop when nothing changes
            new, count = fix_text(text, file_findings, unsafe)
            if not count:
                break
            total += count
            text = new
            try:
                file_findings = check_source(text, path, project.table, selection=project.settings, mentions=project.mentions)
            except SourceError:
                break
        if total:
            try:
                data = _encode_as_read(path, texts[path], text)
            except ValueError as exc:
                # bytes the file's coding would misread are worse than no fix: leave it
                print(f"contract-lsp: {path}: not fixed: {exc}", file=sys.stderr)
                remaining.extend(before)
                continue
            with open(path, "wb") as handle:
                handle.write(data)
            print(f"contract-lsp: fixed {total} in {path}", file=sys.stderr)
        remaining.extend(file_findings)
    return remaining


def _encode_as_read(path: str, original: str, fixed: str) -> bytes:
    """``fixed`` encoded as ``original``, the decoded source of ``path``, was read (see
    :func:`~contract_lsp.index.workspace.source_encoding`), so that only the edited bytes
    change. Raises ValueError (the reason) when that encoding cannot hold ``fixed`` or does
    not give back the file's bytes from ``original``."""
    data = _CONTENTS.get(path)
    if data is None:
        data = read_bytes(path) or b""
    try:
        encoding = source_encoding(data)
    except (UnicodeDecodeError, SyntaxError) as exc:
        raise ValueError(str(exc)) from None
    try:
        if original.encode(encoding) != data:
            raise ValueError(f"{encoding} does not give back its bytes")
        return fixed.encode(encoding)
    except UnicodeEncodeError:
        raise ValueError(f"the fixed text cannot be written in {encoding}") from None


def _report(findings: list[Finding], args: argparse.Namespace, cwd: Path, checked: list[str]) -> int:
    from .. import __version__
    from .formats import render, render_statistics
    from ..docs import rules_doc_uri

    if args.statistics:
        out = render_statistics(findings)
    else:
        out = render(findings, args.format, cwd=cwd, tool_version=__version__, rules_doc_uri=rules_doc_uri())
    if out:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    if findings and not args.exit_zero:
        return 1
    return 0
