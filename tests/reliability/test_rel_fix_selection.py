"""``--fix`` / fix-all selection and application in O(n log n) (issue 15): the same choice
as before on small cases, a number of comparisons that grows as n log n (counted, not
timed), and ``--fix`` on a file with thousands of fixes."""

from __future__ import annotations

import random

from reliability_helpers import cli

from contract_lsp.findings import Finding, Fix, Position, Range, TextEdit
from contract_lsp.fixes import apply_edits, fix_text, select_fixes


def _reference_select(findings: list[Finding], unsafe: bool = False) -> list[Fix]:
    """The rule as it was (quadratic), for single-edit fixes: in finding order, skip a fix
    that overlaps or shares a start with a chosen one."""
    chosen: list[Fix] = []
    taken: list[tuple[Position, Position]] = []
    for finding in sorted(findings, key=lambda f: f.range.start):
        fix = finding.fix
        if fix is None or (not fix.safe and not unsafe) or fix in chosen:
            continue
        spans = [(e.range.start, e.range.end) for e in fix.edits]
        if any(s < te and ts < e or s == ts for s, e in spans for ts, te in taken):
            continue
        chosen.append(fix)
        taken.extend(spans)
    return chosen


def _finding(line: int, start: int, end: int, text: str, safe: bool = True, at: int | None = None) -> Finding:
    edit = TextEdit(Range(Position(line, start), Position(line, end)), text)
    where = Range(Position(line, start if at is None else at), Position(line, end))
    return Finding("x.py", where, "CL002", "m", "warning", fix=Fix(f"{line}:{start}:{end}:{text}", (edit,), safe))


def test_same_choice_as_the_old_rule_on_random_overlaps():
    """Where each fix's edit starts at its finding (renames: every safe fix), the choice
    is the old rule's, overlaps, shared starts and insertions included."""
    rng = random.Random(15)
    for _ in range(400):
        findings = []
        for _ in range(rng.randint(0, 12)):
            start = rng.randint(0, 10)
            end = start + rng.choice([0, 0, 1, 2, 4])
            findings.append(_finding(rng.randint(0, 1), start, end, rng.choice("ab"), safe=rng.random() < 0.8))
        findings.append(findings[0]) if findings else None  # the same fix on two findings
        rng.shuffle(findings)
        findings.sort(key=lambda f: f.range.start)  # engine findings come in start order
        for unsafe in (False, True):
            assert set(select_fixes(findings, unsafe)) == set(_reference_select(findings, unsafe))


def test_apply_edits_keeps_every_other_byte_and_insertion_order():
    text = "a = f(old_name=1)\r\nb = 2\rc = f(old_name=3)\n"
    edits = [
        TextEdit(Range(Position(2, 6), Position(2, 14)), "new_name"),
        TextEdit(Range(Position(0, 0), Position(0, 0)), "# 1\r\n"),
        TextEdit(Range(Position(0, 0), Position(0, 0)), "# 2\r\n"),
        TextEdit(Range(Position(0, 6), Position(0, 14)), "new_name"),
    ]
    assert apply_edits(text, edits) == "# 1\r\n# 2\r\na = f(new_name=1)\r\nb = 2\rc = f(new_name=3)\n"


class CountingPosition(Position):
    """A real Position that counts how often it is compared (the work of the selection)."""

    def __lt__(self, other):
        COUNT[0] += 1
        return (self.line, self.character) < (other.line, other.character)

    def __eq__(self, other):
        COUNT[0] += 1
        return (self.line, self.character) == (other.line, other.character)

    def __hash__(self):
        return hash((self.line, self.character))


COUNT = [0]


def _comparisons(n: int) -> int:
    findings = []
    for i in range(n):
        start, end = CountingPosition(i, 3), CountingPosition(i, 11)
        edit = TextEdit(Range(start, end), "new_name")
        findings.append(Finding("x.py", Range(start, end), "CL002", "m", "warning", fix=Fix("Rename", (edit,), True)))
    COUNT[0] = 0
    assert len(select_fixes(findings)) == n
    return COUNT[0]


def test_selection_work_grows_as_n_log_n_not_n_squared():
    small, large = _comparisons(1_000), _comparisons(8_000)
    # 8x the fixes: n log n is ~10x the comparisons, n^2 would be 64x (the old rule: >1000x)
    assert large < 16 * small, (small, large)


def test_fix_with_thousands_of_fixes_in_one_file(ws):
    n = 3_000
    source = "from app.lib import fn\n" + "".join(f"fn(old_name={i})\n" for i in range(n))
    (ws / "app/many.py").write_text(source)
    proc = cli(ws, "--check", "--fix", "app/many.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (ws / "app/many.py").read_text() == source.replace("old_name", "new_name")
    assert f"fixed {n} in app/many.py" in proc.stderr


def test_fix_text_counts_a_fix_shared_by_findings_once():
    text = "fn(old_name=1)\n"
    finding = _finding(0, 3, 11, "new_name")
    fixed, count = fix_text(text, [finding, finding])
    assert (fixed, count) == ("fn(new_name=1)\n", 1)
