"""Renderers for ``--check --format`` and ``--statistics`` (SPEC §4).

Findings carry 0-based lines and code-point columns; every format here prints them 1-based.
Paths print relative to the current directory when under it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

from ..findings import RULES, Finding

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def display_path(path: str, cwd: Path) -> str:
    """``path`` relative to ``cwd`` when it lies under it, else as given."""
    return _display_path(path, str(cwd))


@functools.lru_cache(maxsize=65536)  # once per file, not per finding: resolving cost 75 µs
def _display_path(path: str, cwd: str) -> str:
    absolute = os.path.abspath(path)
    base = str(Path(cwd).resolve())
    if absolute == base or absolute.startswith(base + os.sep):
        return os.path.relpath(absolute, base)
    return path


def _sorted(findings: list[Finding], cwd: Path) -> list[tuple[str, Finding]]:
    rows = [(display_path(f.path, cwd), f) for f in findings]
    rows.sort(key=lambda r: (r[0], r[1].extra.get("cell", 0), r[1].range.start, r[1].code))
    return rows


def _edit_json(edit) -> dict:
    return {
        "line": edit.range.start.line + 1,
        "column": edit.range.start.character + 1,
        "end_line": edit.range.end.line + 1,
        "end_column": edit.range.end.character + 1,
        "new_text": edit.new_text,
    }


def _cell(finding: Finding) -> str:
    """``cell N:`` for a notebook's finding (its line is then within cell N, SPEC §3.5)."""
    return f"cell {finding.extra['cell']}:" if "cell" in finding.extra else ""


#: What must not reach a terminal or a log raw: C0 and C1 controls (newlines that would forge
#: a finding line, escape sequences), DEL, Unicode line and paragraph separators, bidi
#: overrides and isolates (text that reads other than it is), and lone surrogates (an
#: undecodable file name, which a UTF-8 stream cannot even write).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def sanitize(text: str) -> str:
    """``text`` (a path, a contract name, a message) safe to print as part of one line of
    a terminal or log: each character of :data:`_UNSAFE` becomes a visible escape
    (``\\n``, ``\\r``, ``\\t``, ``\\x1b``, ``\\u202e``; an undecodable file-name byte
    ``\\xNN``). Everything else, non-ASCII letters included, is kept (issue 15)."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def _text(findings: list[Finding], cwd: Path) -> str:
    """``path:line:col: CODE message`` per finding (1-based, SPEC §4), then a count line.
    Paths, codes and messages (which quote contract names and source text) go through
    :func:`sanitize`: one finding is one line, and no escape code reaches the terminal."""
    lines = [
        f"{sanitize(path)}:{_cell(f)}{f.range.start.line + 1}:{f.range.start.character + 1}: {sanitize(f.code)} {sanitize(f.message)}"
        for path, f in _sorted(findings, cwd)
    ]
    if findings:
        safe = sum(1 for f in findings if f.fix and f.fix.safe)
        unsafe = sum(1 for f in findings if f.fix and not f.fix.safe)
        noun = "finding" if len(findings) == 1 else "findings"
        lines.append(f"Found {len(findings)} {noun} ({safe} fixable with --fix, {unsafe} more with --unsafe-fixes).")
    return "\n".join(lines)


def _json(findings: list[Finding], cwd: Path) -> str:
    out = []
    for path, f in _sorted(findings, cwd):
        out.append(
            {
                "path": path,
                "line": f.range.start.line + 1,
                "column": f.range.start.character + 1,
                "end_line": f.range.end.line + 1,
                "end_column": f.range.end.character + 1,
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "contract": f.contract.name if f.contract else None,
                "fix": None if f.fix is None else {"safe": f.fix.safe, "edits": [_edit_json(e) for e in f.fix.edits]},
            }
        )
        if "cell" in f.extra:  # a notebook's finding: lines are within this cell (SPEC §3.5)
            out[-1]["cell"] = f.extra["cell"]
    return json.dumps(out, indent=2, ensure_ascii=False)


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note", "hint": "note"}


def _sarif_uri(path: str, cwd: Path) -> str:
    """``path`` (as :func:`display_path` gives it) as a SARIF ``artifactLocation.uri``: a URI
    reference, so spaces, non-ASCII and other reserved characters are percent-encoded (UTF-8);
    ``/`` stays so a path under the current directory stays relative to it. A path outside
    it (absolute, or ``../``) is an absolute ``file:`` URI, which SARIF consumers resolve
    without a base (SPEC §4)."""
    posix = Path(path).as_posix()
    if os.path.isabs(path) or posix == ".." or posix.startswith("../"):
        return Path(os.path.abspath(cwd / path)).as_uri()
    return quote(posix, safe="/")


def rule_sections(markdown: str) -> dict[str, str]:
    """Code -> its section of ``docs/rules.md`` (the ``## CODE: title`` heading up to the next
    ``##`` heading, fenced code blocks kept whole: a ``#`` line inside one is no heading)."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("## "):
            code = re.match(r"## +(CL\d+)\b", line)
            current = sections.setdefault(code.group(1), []) if code else None
        elif not fenced and (line.startswith("# ") or _ANCHOR.fullmatch(line.strip())):
            current = None  # the title, or the next section's anchor: no part of a rule's text
            continue
        if current is not None:
            current.append(line)
    return {code: "\n".join(lines).strip() + "\n" for code, lines in sections.items()}


_ANCHOR = re.compile(r'<a id="[^"]*"></a>')


def _rule_help(code: str) -> dict | None:
    """SARIF ``help`` for ``code``: ``text`` and ``markdown`` both hold its section of the
    installed ``rules.md`` (Markdown reads as text too), so code scanning shows the rule
    without a link; None when the section is missing."""
    from ..docs import RULES_MD

    try:
        section = rule_sections(RULES_MD.read_text(encoding="utf-8")).get(code)
    except OSError:
        return None
    return None if section is None else {"text": section, "markdown": section}


def _sarif(findings: list[Finding], cwd: Path, version: str, rules_uri: str) -> str:
    codes = sorted(RULES)
    # a file: link into site-packages is dead in code scanning: only real links are given
    linked = not rules_uri.startswith("file:")
    rules = []
    for code in codes:
        rule = {
            "id": code,
            "name": RULES[code][1].replace(" ", ""),
            "shortDescription": {"text": RULES[code][1]},
            "fullDescription": {"text": f"{code}: {RULES[code][1]}."},
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[code][0]]},
        }
        help_ = _rule_help(code)
        if help_ is not None:
            rule["help"] = help_
        if linked:
            rule["helpUri"] = f"{rules_uri}#{code.lower()}"
        rules.append(rule)
    results = []
    for path, f in _sorted(findings, cwd):
        region = {
            "startLine": f.range.start.line + 1,
            "startColumn": f.range.start.character + 1,
            "endLine": f.range.end.line + 1,
            "endColumn": f.range.end.character + 1,
        }
        result = {
            "ruleId": f.code,
            "ruleIndex": codes.index(f.code) if f.code in codes else -1,
            "level": _SARIF_LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": _sarif_uri(path, cwd)}, "region": region}}],
        }
        if f.fix is not None:
            result["fixes"] = [
                {
                    "description": {"text": f.fix.title},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _sarif_uri(path, cwd)},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": e.range.start.line + 1,
                                        "startColumn": e.range.start.character + 1,
                                        "endLine": e.range.end.line + 1,
                                        "endColumn": e.range.end.character + 1,
                                    },
                                    "insertedContent": {"text": e.new_text},
                                }
                                for e in f.fix.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "contract-lsp", "version": version, **({"informationUri": rules_uri} if linked else {}), "rules": rules}},
                # Our columns count code points (SPEC §5); SARIF's default is UTF-16 code units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def _escape_data(text: str) -> str:
    """``text`` escaped as a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """``text`` escaped as a workflow command's property value (GitHub's ``escapeProperty``)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(findings: list[Finding], cwd: Path) -> str:
    """One ``::error file={path},line={line},col={col},title={code}::{message}`` per finding
    (SPEC §4; 1-based line and column). Every severity is ``::error``, as ruff does: the
    SPEC fixes this one shape, and the code in ``title`` already says what kind it is."""
    lines = []
    for path, f in _sorted(findings, cwd):
        props = ",".join(
            [
                f"file={_escape_property(path)}",
                f"line={f.range.start.line + 1}",
                f"col={f.range.start.character + 1}",
                f"title={_escape_property(f.code)}",
            ]
        )
        lines.append(f"::error {props}::{_escape_data(f.message)}")
    return "\n".join(lines)


_GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info", "hint": "info"}


def _gitlab(findings: list[Finding], cwd: Path) -> str:
    out = []
    seen: Counter[str] = Counter()
    for path, f in _sorted(findings, cwd):
        # Stable across unrelated edits: no line number, but an occurrence counter so two
        # identical findings in one file still get distinct fingerprints.
        base = f"{path}\0{f.code}\0{f.message}"
        seen[base] += 1
        fingerprint = hashlib.sha256(f"{base}\0{seen[base]}".encode()).hexdigest()
        out.append(
            {
                "description": f"{f.code} {f.message}",
                "check_name": f.code,
                "fingerprint": fingerprint,
                "severity": _GITLAB_SEVERITY.get(f.severity, "minor"),
                "location": {"path": path, "lines": {"begin": f.range.start.line + 1}},
            }
        )
    return json.dumps(out, indent=2, ensure_ascii=False)


# XML 1.0 cannot carry C0 controls other than tab/newline/CR, lone surrogates or U+FFFE/U+FFFF,
# not even as character references; a contract name from YAML ("\x01") or a file name can.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot represent replaced by U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


def _junit(findings: list[Finding], cwd: Path) -> str:
    """JUnit XML in ruff's layout: a ``<testsuite>`` per file, a ``<testcase>`` per finding
    (named ``CODE line:col``, 1-based) holding one ``<failure>`` with the message and
    ``path:line:col``. JUnit consumers expect at most one failure per testcase and
    ``tests``/``failures`` counts that match the cases. No findings: one empty suite."""
    import xml.etree.ElementTree as ET

    by_file: dict[str, list[Finding]] = {}
    for path, f in _sorted(findings, cwd):
        by_file.setdefault(_xml_text(path), []).append(f)
    total = str(len(findings))
    root = ET.Element("testsuites", name="contract-lsp", tests=total, failures=total, errors="0")
    if not by_file:
        ET.SubElement(root, "testsuite", name="contract-lsp", tests="0", failures="0", errors="0")
    for path, file_findings in by_file.items():
        count = str(len(file_findings))
        suite = ET.SubElement(root, "testsuite", name=path, tests=count, failures=count, errors="0")
        for f in file_findings:
            position = f"{f.range.start.line + 1}:{f.range.start.character + 1}"
            case = ET.SubElement(suite, "testcase", name=f"{f.code} {position}", classname=path)
            message = _xml_text(f.message)
            failure = ET.SubElement(case, "failure", message=message, type=f.code)
            failure.text = f"{path}:{position}: {f.code} {message}"
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def fixed_summary(fixed: int, remaining: int) -> str:
    """The line ``--fix`` ends with (SPEC §4): ``Fixed N findings (M remaining).``"""
    return f"Fixed {fixed} finding{'' if fixed == 1 else 's'} ({remaining} remaining)."


def render(findings: list[Finding], fmt: str, *, cwd: Path, tool_version: str, rules_doc_uri: str) -> str:
    """``findings`` in format ``fmt`` (one of :data:`FORMATS`). Raises ValueError otherwise."""
    if fmt == "text":
        return _text(findings, cwd)
    if fmt == "json":
        return _json(findings, cwd)
    if fmt == "sarif":
        return _sarif(findings, cwd, tool_version, rules_doc_uri)
    if fmt == "github":
        return _github(findings, cwd)
    if fmt == "gitlab":
        return _gitlab(findings, cwd)
    if fmt == "junit":
        return _junit(findings, cwd)
    raise ValueError(f"unknown format {fmt!r}")


def render_statistics(findings: list[Finding], fmt: str = "text") -> str:
    """``--statistics`` (SPEC §4): one row per code, most frequent first, with its count,
    summary and how many of its findings have a safe fix. ``fmt`` ``text``: a line per code
    (``count  code  summary``, names sanitised); ``json``: a list of ``{code, count,
    summary, fixable}``. Raises ValueError for any other format (no per-code shape)."""
    counts = Counter(f.code for f in findings)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if fmt == "json":
        fixable = Counter(f.code for f in findings if f.fix is not None and f.fix.safe)
        return json.dumps(
            [{"code": code, "count": n, "summary": RULES.get(code, ("", ""))[1], "fixable": fixable[code]} for code, n in rows],
            indent=2,
            ensure_ascii=False,
        )
    if fmt != "text":
        raise ValueError(f"--statistics prints text or json, not {fmt}")
    width = max((len(str(n)) for _, n in rows), default=1)
    return "\n".join(f"{n:>{width}}  {sanitize(code)}  {RULES.get(code, ('', ''))[1]}" for code, n in rows)
