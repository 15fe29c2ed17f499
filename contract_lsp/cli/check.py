"""``contract-lsp --check``: walk, prefilter by bytes, check in parallel, fix, report (SPEC §4).

The run, in order: settings and registry (exit 2 on a broken contract file), the files to
check, their bytes (one read each), the prefilter words grown over the workspace, then
:func:`contract_lsp.engine.check_source` on the files that mention a word, in worker
processes when there are many. Unreadable or unparseable files are named on stderr and
skipped; they do not change the exit status.
"""

from __future__ import annotations

import argparse
import difflib
import gc
import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import DEFAULT_DIR, Cache, Entry, Reads, content_digest, file_stat
from ..findings import Finding
from ..notebooks import findings_in_cells, fixed_notebook_bytes, is_notebook, problem as notebook_problem
from .workspace import CliTargets, locate_cli_workspace, open_cli_workspace, read_bytes, read_problem, read_source_bytes

if TYPE_CHECKING:  # at run time, _load_checker binds these names
    from ..engine import SourceError, check_source  # noqa: TC004
    from ..index.mentions import Mentions, _aliases, _has_class_on  # noqa: TC004
    from ..index.workspace import decode_source, source_encoding  # noqa: TC004
    from ..project import Project
    from ..rules.drift import missing_targets  # noqa: TC004


def _load_checker() -> None:
    """Import what checking needs (the engine and the index: ~0.1 s) as this module's
    names: a run the cache answers whole needs none of it. ``_aliases`` and
    ``_has_class_on`` are the prefilter expansion's own tests (see ``_contributes``)."""
    global SourceError, check_source, Mentions, _aliases, _has_class_on, decode_source, source_encoding, missing_targets
    from ..engine import SourceError, check_source
    from ..index.mentions import Mentions, _aliases, _has_class_on
    from ..index.workspace import decode_source, source_encoding
    from ..rules.drift import missing_targets


#: The environment variable that moves the cache (SPEC §4), as ``--cache-dir`` does.
CACHE_DIR_ENV = "CONTRACT_LSP_CACHE_DIR"

#: Below this many files to parse, worker processes cost more than they save.
_PARALLEL_THRESHOLD = 48
#: ... and below this many bytes: most files that mention a word are only triaged (no
#: parse), ~10 MB/s on one core, so forking pays only past a second or so of that work.
_PARALLEL_BYTES = 12_000_000

# State shared with forked workers (copy-on-write): set once before the pool starts.
_PROJECT: Project | None = None
_CONTENTS: dict[str, bytes] = {}
#: The screen of a later phase: its files are screened in the workers, in parallel.
_SCREEN: Mentions | None = None
#: With the cache: records what each check reads of other files (its entry's ``deps``).
_READS: Reads | None = None


#: (path, findings, text or None, error or None, implementations, paths whose facts it read)
Result = tuple[str, list[Finding], "str | None", "str | None", "set[str]", "frozenset[str]"]


def _check_recorded(path: str) -> Result | None:
    """:func:`_check_one` and the paths whose facts that check read (with the cache: its
    entry's ``deps``). Runs in workers."""
    reads = _READS
    if reads is None:
        found = _check_one(path)
        return None if found is None else (*found, frozenset())
    with reads.recording() as read:
        found = _check_one(path)
    return None if found is None else (*found, frozenset(read))


def _check_one(path: str) -> tuple[str, list[Finding], str | None, str | None, set[str]] | None:
    """Check one file: (path, findings, text or None, error or None, names of its classes
    that implement a protocol); None when the phase's screen passes over it. Runs in
    workers."""
    if "check_source" not in globals():
        _load_checker()  # a caller that did not go through run_check (stdin)
    project = _PROJECT
    assert project is not None
    data = _CONTENTS.get(path)
    if _SCREEN is not None and (data is None or not _SCREEN(data)):
        return None
    if data is None:
        if is_notebook(path):  # (notebooks) unreadable, or not JSON nbformat 4
            return path, [], None, notebook_problem(path), set()
        data = read_bytes(path)
        if data is None:
            return path, [], None, read_problem(path), set()  # (reliability) the reason
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
    return [r for r in map(_check_recorded, paths) if r is not None]


def _run_all(paths: list[str], jobs: int | None, progress: bool) -> list[Result]:
    workers = jobs or os.cpu_count() or 1
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="file", file=sys.stderr, leave=False)
    results = []
    if workers > 1 and len(paths) >= _PARALLEL_THRESHOLD and sum(len(_CONTENTS.get(p, b"")) for p in paths) >= _PARALLEL_BYTES:
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
            result = _check_recorded(path)
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
    """The ``--check`` mode; returns the exit status.

    With the cache (SPEC §4; :mod:`contract_lsp.cache`): files are stat'ed, not read,
    and an unchanged workspace is answered from the cache without loading the registry.
    Otherwise only the files that changed are read, and re-checked with those whose
    recorded reads (re-exports, base classes) include a changed one; the prefilter's words
    are re-derived over the whole workspace only when a changed file could grow them."""
    global _PROJECT, _CONTENTS, _SCREEN, _READS
    _SCREEN = _READS = None  # the first phase's files are screened here, below
    # A one-shot run that builds millions of AST nodes and frees them with their files:
    # the cyclic collector would walk them again and again for nothing (~30% of the time).
    gc.disable()
    located = locate_cli_workspace(args, checking=True)
    if isinstance(located, int):
        return located
    cwd, checked, settings = located.cwd, located.checked, located.settings
    cache, registry_ok = _open_cache(args, located)
    paths = list(dict.fromkeys([*checked, *located.workspace]))
    stats = {p: file_stat(p) for p in paths} if cache.enabled else {}
    fresh: dict[str, Entry] = {}
    contents: dict[str, bytes] = {}
    if cache.enabled:
        for path, stat in stats.items():
            entry = cache.get(path, stat)
            if entry is None and path in cache.entries and stat is not None:
                data = read_source_bytes(path)  # the stat changed: the content may not have
                if data is not None:
                    contents[path] = data
                    entry = cache.get(path, stat, data)
            if entry is not None:
                fresh[path] = entry
    changed = {p for p in paths if p not in fresh}
    meta_words = cache.meta.get("words")  # the prefilter's words at the end of the cached run
    meta_expanded = cache.meta.get("expanded")  # and as derived from the bytes, before checking

    unchanged = cache.enabled and registry_ok and meta_words is not None and not changed and not args.fix and not args.strict
    if unchanged and all(fresh[p].result is not None for p in checked):
        # nothing changed since a run that checked all of these: its answer stands
        results = [(p, list(f), None, e, set(i), d) for p in checked for f, e, i in [fresh[p].result] for d in [fresh[p].deps]]
        cache.flush()
        return _finish(results, {}, None, args, cwd, checked)

    _load_checker()
    opened = open_cli_workspace(args, checking=True, located=located, read=False)
    if isinstance(opened, int):
        return opened
    project = opened.project
    _PROJECT, _CONTENTS = project, contents
    table_reads: set[str] = set()
    if cache.enabled:
        _READS = Reads(project.index, facts=lambda p: fresh[p].facts if p in fresh else None)
        with _READS.recording() as table_reads:
            project.table  # noqa: B018
    # Resolve every contract's target before forking, so workers share those facts.
    project.table  # noqa: B018
    checked_set = set(checked)  # (once: rebuilt per path it was 0.7 s on 5,451 files)
    outside_paths = [p for p in opened.workspace if p not in checked_set]
    reusable = same_table = (
        cache.enabled and meta_words is not None and "protocols" not in settings.discover
        and not (table_reads & changed) and not (set(cache.meta.get("table_reads", ())) & changed)
    )
    # the contracts' own names too: a new ``import make as mk`` makes ``mk`` a word
    known_names = frozenset(project.table.words).union(*meta_words) if meta_words is not None else frozenset()
    for path in changed:
        if path not in contents and (data := read_source_bytes(path)) is not None:
            contents[path] = data
    # a changed file that aliases a word, or names one in a class header, may grow the words:
    # then they are derived again over every file's bytes (and results kept if they are equal)
    expanded = meta_expanded
    regrow = not reusable or meta_expanded is None or any(_contributes(contents.get(p), known_names) or ((old := cache.previous(p)) is not None and old.contributes) for p in changed)
    mentioning = None
    if regrow:
        for path in paths:
            if path not in contents and (data := read_source_bytes(path)) is not None:
                contents[path] = data
        mentioning = project.expand_words(contents, confirm=set(outside_paths))
        expanded = (project.derived_words, project.derived_classes, project.rebound_words)
        reusable = reusable and expanded == meta_expanded
    if reusable:
        # checking the files found more implementation classes: they are words too
        project.derived_words, project.derived_classes, project.rebound_words = meta_words
    results = None
    if reusable:
        results = _check_changed(args, project, cache, fresh, changed, checked, contents)
    if results is None:  # no cache, or what changed changes the words: check every file
        if regrow:  # start from the words as derived, as a run without the cache does
            project.derived_words, project.derived_classes, project.rebound_words = expanded
        else:
            for path in paths:
                if path not in contents and (data := read_source_bytes(path)) is not None:
                    contents[path] = data
            mentioning = project.expand_words(contents, confirm=set(outside_paths))
            expanded = (project.derived_words, project.derived_classes, project.rebound_words)
        results = _check_all(args, project, contents, checked, outside_paths, mentioning)
        # the files not checked now keep their results if the words came out the same
        final = (project.derived_words, project.derived_classes, project.rebound_words)
        reusable = bool(same_table) and final == tuple(meta_words or ())
    if cache.enabled:
        _record(cache, project, stats, fresh, contents, results, checked, table_reads, reusable, changed, mentioning)
        cache.set_meta(expanded=expanded)
        cache.flush()
    return _finish(results, contents, project, args, cwd, checked)


def _check_all(args: argparse.Namespace, project: Project, contents: dict[str, bytes], checked: list[str], outside_paths: list[str], screened: frozenset[str] | None) -> list[Result]:
    """Check every file of ``checked`` that may mention a word, in phases: checking a file
    finds its classes that implement protocols, and files that name only those classes
    (``class Impl(Base)``) can have findings too, so they are checked next."""
    global _SCREEN
    _SCREEN = None
    results: list[Result] = []
    done: set[str] = set()
    # workspace files this run does not check: classes there may extend what it finds
    outside = {p: contents[p] for p in outside_paths if p in contents}
    mentions = project.mentions
    # the expansion screened every file already: only those it matched need a second look
    to_check = [p for p in dict.fromkeys(checked) if p not in contents or ((screened is None or p in screened) and mentions(contents[p]))]
    while to_check:
        batch = _run_all(to_check, args.jobs, _progress(args, to_check))
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
        # screen the rest for it (a pass over most of the bytes: in parallel where many)
        _SCREEN = Mentions(new_words, new_classes)
        to_check = [p for p in dict.fromkeys(checked) if p not in done and p in contents]
    _SCREEN = None
    return results


def _check_changed(args: argparse.Namespace, project: Project, cache: Cache, fresh: dict[str, Entry], changed: set[str], checked: list[str], contents: dict[str, bytes]) -> list[Result] | None:
    """The results of ``checked`` with the words of the cached run: re-check the files
    that changed, have no result, or read the facts of one that changed; take the rest from
    the cache. None when a re-checked file's protocol implementations differ from what
    the cache recorded (the words would change: everything is checked again)."""
    results: list[Result] = []
    again = []
    for path in dict.fromkeys(checked):
        entry = fresh.get(path)
        if entry is None or entry.result is None or entry.deps & changed:
            again.append(path)
        else:
            findings, error, implementations = entry.result
            results.append((path, list(findings), None, error, set(implementations), entry.deps))
    for path in again:
        if path not in contents and (data := read_source_bytes(path)) is not None:
            contents[path] = data
    mentions = project.mentions
    to_check = [p for p in again if p not in contents or mentions(contents[p])]
    batch = _run_all(to_check, args.jobs, _progress(args, to_check))
    for result in batch:
        before = cache.previous(result[0])
        if set(result[4]) != (set(before.result[2]) if before is not None and before.result is not None else set()):
            return None
    screened_out = set(again) - {r[0] for r in batch}
    results.extend((p, [], None, None, set(), frozenset()) for p in screened_out)
    return results + batch


def _contributes(data: bytes | None, names: frozenset[str]) -> bool:
    """Whether ``data`` may grow the prefilter's words: an import alias of one of
    ``names``, or one of them in a class header or an assignment (see
    :func:`~contract_lsp.index.mentions.expand_words`)."""
    # exactly the two ways expand_words grows the words (one memchr pass for `` as ``,
    # one regex pass over class headers): a file with neither cannot change them
    return bool(data) and bool(names) and (bool(_aliases(data, names)) or _has_class_on(data, names))  # type: ignore[arg-type]


def _record(
    cache: Cache, project: Project, stats: dict, fresh: dict[str, Entry], contents: dict[str, bytes], results: list[Result],
    checked: list[str], table_reads: set[str], kept: bool, changed: set[str], mentioning: frozenset[str] | None,
) -> None:
    """Store what this run learned (see :class:`~contract_lsp.cache.Entry`); with ``kept``
    (the words are those of the cached run) results of files not checked now stay, unless
    a file they read changed. ``mentioning``: the files that name any word at all (None:
    unknown), the only ones that can contribute to the words."""

    def contributes(path: str, data: bytes | None) -> bool:
        return (mentioning is None or path in mentioning) and _contributes(data, names)

    by_path = {r[0]: r for r in results}
    checked_set = set(checked)
    names = frozenset(project.words | project.derived_classes)
    index = project.index
    for path, stat in stats.items():
        if stat is None:
            continue
        entry = fresh.get(path)
        data = contents.get(path)
        if entry is None and data is None:
            continue
        if entry is None or path in changed:
            entry = Entry(stat[0], stat[1], stat[2], content_digest(data), contributes=contributes(path, data))  # type: ignore[arg-type]
        elif not kept:
            entry = entry._replace(result=None, deps=frozenset(), contributes=contributes(path, data) if data is not None else entry.contributes)
        elif entry.deps & changed:
            entry = entry._replace(result=None, deps=frozenset())
        found = by_path.get(path)
        if found is not None:
            entry = entry._replace(result=(tuple(found[1]), found[3], frozenset(found[4])), deps=frozenset(found[5]))
        elif path in checked_set:
            entry = entry._replace(result=((), None, frozenset()), deps=frozenset())  # screened out: nothing to find
        if path in table_reads:
            entry = entry._replace(facts=index.facts_for_path(path))
        elif entry.facts is not None:
            entry = entry._replace(facts=None)
        if entry != cache.previous(path):
            cache.put(path, entry)
    cache.retain(stats)
    cache.set_meta(words=(project.derived_words, project.derived_classes, project.rebound_words), table_reads=frozenset(table_reads))


def _open_cache(args: argparse.Namespace, located: CliTargets) -> tuple[Cache, bool]:
    """The run's cache (disabled with ``--no-cache`` or ``--stdin-filename``), and whether
    every contract path exists (else the registry must be loaded to report CL900)."""
    directory = _cache_dir(args, located)
    if directory is None:
        return Cache.open(None, ()), False
    from .. import __version__
    from ..registry.loader import find_contract_files

    settings = located.settings
    files, errors = find_contract_files(list(getattr(settings, "registry_paths", settings.contract_paths)))
    digest = hashlib.sha256()
    for file in [*files, *(located.root / n for n in _DECLARATIONS)], *[sorted(located.root.glob("requirements*.txt"))]:
        for one in file if isinstance(file, list) else [file]:
            data = read_bytes(str(one))
            digest.update(f"{one}\0{len(data) if data is not None else -1}\0".encode("utf-8", "surrogatepass") + (data or b""))
    # the module map is the workspace's files, and those checked outside it (SPEC §1)
    inside = set(located.workspace)
    listed = [*located.workspace, "|", *(p for p in located.checked if p not in inside)]
    modules = hashlib.sha256("\0".join(listed).encode("utf-8", "surrogatepass"))
    key = (__version__, sys.version, repr(located.settings), digest.hexdigest(), modules.hexdigest())
    return Cache.open(directory, key), not errors


#: Files whose dependency declarations gate fixes (SPEC §3.1), part of the cache's key.
_DECLARATIONS = ("pyproject.toml", "setup.cfg", "setup.py")


def _cache_dir(args: argparse.Namespace, located: CliTargets) -> Path | None:
    """Where the cache lives (SPEC §4): ``--cache-dir``, else ``CONTRACT_LSP_CACHE_DIR``,
    else the ``cache-dir`` setting, else ``.contract-lsp-cache`` at the root; None with
    ``--no-cache`` (or standard input as a file)."""
    if getattr(args, "no_cache", False) or getattr(args, "stdin_filename", None):
        return None
    given = getattr(args, "cache_dir", None) or os.environ.get(CACHE_DIR_ENV)
    if given:
        return Path(given).resolve()
    return located.settings.cache_dir or located.root / DEFAULT_DIR


def _progress(args: argparse.Namespace, paths: list[str]) -> bool:
    return sys.stderr.isatty() and not args.no_progress and len(paths) > 200


def _finish(results: list[Result], contents: dict[str, bytes], project: Project | None, args: argparse.Namespace, cwd: Path, checked: list[str]) -> int:
    """Name the skipped files, then report, print the diff or fix (SPEC §4)."""
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    for path, file_findings, text, error, _, _ in sorted(results, key=lambda r: r[0]):
        if error is not None:
            print(f"contract-lsp: {_display(path, cwd)}: skipped: {error}", file=sys.stderr)
            continue
        findings.extend(file_findings)
        if file_findings and (args.diff or args.fix):
            if text is None:  # a result from the cache: the text is read again
                _load_checker()
                data = contents.get(path) or read_source_bytes(path)
                text = decode_source(data) if data is not None else None
            if text is not None:
                texts[path] = text
    if args.strict and project is not None and project.settings.is_selected("CL202"):
        settings = project.settings
        findings.extend(f.with_severity(settings.severity_for("CL202", f.severity)) for f in missing_targets(project.table))  # type: ignore[arg-type]

    if args.diff:
        return _print_diff(findings, texts, cwd, args.unsafe_fixes)
    if args.fix:
        assert project is not None
        found = len(findings)  # (cli) for the summary line: what the fixes took away
        findings = _apply_fixes(findings, texts, project, args.unsafe_fixes)
        return _report(findings, args, cwd, checked, fixed=max(found - len(findings), 0))
    return _report(findings, args, cwd, checked)


def _by_path(findings: list[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _diff_lines(data: bytes) -> list[bytes]:
    """``data`` split after each ``\n`` only, as diff and patch see lines (``splitlines``
    would also split at form feeds and other breaks that are not line ends for them)."""
    lines = data.split(b"\n")
    return [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _print_diff(findings: list[Finding], texts: dict[str, str], cwd: Path, unsafe: bool) -> int:
    r"""Print the fixes as a unified diff with ``a/`` and ``b/`` paths, change nothing; exit
    1 when there is something to fix (SPEC §4). The diff is of the files' bytes, in the
    encoding each was read with (a BOM stays on line 1, latin-1 stays latin-1), the bytes
    ``--fix`` would write, so ``git apply`` / ``patch -p1`` match the files. A last line
    without a newline is followed by GNU diff's ``\ No newline at end of file``. A file the
    fix cannot be written back to in its encoding is named on stderr and left out."""
    from ..fixes import fix_text
    from .formats import sanitize

    changed = 0
    out = sys.stdout.buffer
    sys.stdout.flush()
    for path, file_findings in _by_path(findings).items():
        if path not in texts:
            continue
        new, count = fix_text(texts[path], file_findings, unsafe)
        if not count:
            continue
        shown = _display(path, cwd)
        try:
            old_bytes, new_bytes = _fixed_bytes(path, texts[path], new)
        except ValueError as exc:
            print(f"contract-lsp: {sanitize(shown)}: not fixed: {exc}", file=sys.stderr)
            continue
        changed += count
        name = os.fsencode(shown)
        for line in difflib.diff_bytes(difflib.unified_diff, _diff_lines(old_bytes), _diff_lines(new_bytes), fromfile=b"a/" + name, tofile=b"b/" + name):
            out.write(line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n")
    out.flush()
    print(f"Would fix {changed} finding{'s' if changed != 1 else ''}.", file=sys.stderr)
    return 1 if changed else 0


def _fixed_bytes(path: str, original: str, fixed: str) -> tuple[bytes, bytes]:
    """The bytes of ``path`` that ``original`` (its checked text) was decoded from, and
    ``fixed`` as the bytes to write in their place (:func:`_encode_as_read`, or the
    notebook's writer). Raises ValueError (the reason): the file changed since it was
    checked, cannot be read again, or its encoding cannot hold the fix."""
    from ..safe_io import safe_read_bytes

    if is_notebook(path):  # (notebooks) the notebook's own bytes, its cells' sources replaced
        try:
            data = safe_read_bytes(path)
        except OSError as exc:
            raise ValueError(f"cannot be read again ({exc.strerror or exc})") from None
        return data, fixed_notebook_bytes(path, original, fixed)
    data = _CONTENTS.get(path)
    if data is None:
        try:
            data = safe_read_bytes(path)
        except OSError as exc:
            raise ValueError(f"cannot be read again ({exc.strerror or exc})") from None
    return data, _encode_as_read(path, original, fixed, data)


def _recheck(text: str, path: str, project: Project) -> list[Finding] | None:
    """Findings of ``text``, the fixed text of ``path`` (3.12 syntax through libcst, as the
    first check did); None when it does not parse, even where the triage spares it."""
    try:
        return check_source(text, path, project.table, selection=project.settings, mentions=project.mentions, check_spared_syntax=True)
    except SourceError as exc:
        return _check_newer_grammar(text, path, exc) if exc.newer_grammar_possible else None
    except RecursionError:
        return None


def _apply_fixes(findings: list[Finding], texts: dict[str, str], project: Project, unsafe: bool) -> list[Finding]:
    """Write the fixes to disk and return what remains, re-checked on the fixed text (SPEC
    §4 ``--fix``). A round whose fixed text no longer parses is dropped. A file is written
    back in the encoding it was read with, so only the edited bytes change, through
    :class:`~contract_lsp.cli.fix_writer.FixWriter` (atomic, the disk flushed once for all
    files; never over bytes that changed since they were read; never through a link out
    of the workspace). A file that cannot be written (the reason on stderr) keeps its
    findings; the other files go on. "fixed" lines name paths relative to the current
    directory when under it."""
    from ..fixes import fix_text
    from .fix_writer import FixWriter, NotWritten
    from .formats import sanitize

    cwd = Path.cwd()
    writer = FixWriter(project.settings.root)
    # per file, in order: [findings before the fixes, findings after, fixes applied]
    outcome: dict[str, tuple[list[Finding], list[Finding], int]] = {}
    for path, file_findings in _by_path(findings).items():
        if path not in texts:
            outcome[path] = (file_findings, file_findings, 0)
            continue
        text = texts[path]
        before = file_findings
        total = 0
        # A fix may reveal or enable another: another round, on the fixed text only. Each
        # round is one check of the text it changed; nothing changed, no round.
        for _ in range(10):
            new, count = fix_text(text, file_findings, unsafe)
            if not count:
                break
            rechecked = _recheck(new, path, project)
            if rechecked is None:  # a fix that breaks the code is no fix: keep the last good text
                break
            total += count
            text, file_findings = new, rechecked
        outcome[path] = (before, file_findings, total)
        if not total:
            continue
        try:
            original, data = _fixed_bytes(path, texts[path], text)
            writer.add(path, original, data)
        except (ValueError, NotWritten) as exc:
            # bytes the file's coding would misread are worse than no fix: leave it
            why = f"not fixed: {exc}" if isinstance(exc, ValueError) else str(exc)
            print(f"contract-lsp: {sanitize(_display(path, cwd))}: {why}", file=sys.stderr)
            outcome[path] = (before, before, 0)
    for path, problem in writer.commit():
        before, after, total = outcome[path]
        if problem is None:
            print(f"contract-lsp: fixed {total} in {sanitize(_display(path, cwd))}", file=sys.stderr)
        else:
            print(f"contract-lsp: {sanitize(_display(path, cwd))}: {problem}", file=sys.stderr)
            outcome[path] = (before, before, 0)
    return [f for _before, after, _total in outcome.values() for f in after]


def _encode_as_read(path: str, original: str, fixed: str, data: bytes | None = None) -> bytes:
    """``fixed`` encoded as ``original``, the decoded source of ``path``, was read (see
    :func:`~contract_lsp.index.workspace.source_encoding`), so that only the edited bytes
    change. ``data``: the bytes ``original`` was decoded from (default: as read for the
    check). Raises ValueError (the reason) when that encoding cannot hold ``fixed``, or
    when ``data`` is not what ``original`` encodes to (``changed while fixing``)."""
    if data is None:
        data = _CONTENTS.get(path)
    if data is None:
        data = read_bytes(path) or b""
    try:
        encoding = source_encoding(data)
    except (UnicodeDecodeError, SyntaxError) as exc:
        raise ValueError(str(exc)) from None
    try:
        if original.encode(encoding) != data:
            try:
                same = decode_source(data) == original
            except (UnicodeDecodeError, SyntaxError, LookupError):
                same = False
            raise ValueError(f"{encoding} does not give back its bytes" if same else "changed while fixing: not written")
        return fixed.encode(encoding)
    except UnicodeEncodeError:
        raise ValueError(f"the fixed text cannot be written in {encoding}") from None


def _report(findings: list[Finding], args: argparse.Namespace, cwd: Path, checked: list[str], fixed: int | None = None) -> int:
    from .. import __version__
    from .formats import render, render_statistics
    from ..docs import rules_doc_uri

    findings = findings_in_cells(findings)  # (notebooks) `path:cell N:line:col` (SPEC §3.5)

    if args.statistics:
        out = render_statistics(findings, args.format)  # (reliability) --statistics honours --format
    else:
        out = render(findings, args.format, cwd=cwd, tool_version=__version__, rules_doc_uri=rules_doc_uri())
    if out:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
    # (cli) SPEC §4's last lines: stdout for text; stderr beside json, sarif, ... there
    if fixed is not None:
        from .formats import fixed_summary

        print(fixed_summary(fixed, len(findings)), file=sys.stdout if args.format == "text" else sys.stderr)
    elif not findings and args.format == "text" and not args.statistics:
        print("All checks passed!")
    if findings and not args.exit_zero:
        return 1
    return 0
