"""``contract-lsp --check --format github|junit|sarif`` (SPEC §4), run for real in a
subprocess on a workspace whose file name and contract name hold the characters each format
must escape: a space, a comma, a colon, ``%`` and non-ASCII in the path; ``%``, CR LF and a
C0 control in the contract name, which every message about that contract echoes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
from workspace_helpers import cli, write_workspace

ODD = "sp ace/ü, a:b%.py"
# Written raw (not dedented) so the YAML escapes reach the loader: the name is 100% Ctx\x01\r\nx.
CONTRACTS = r"""version: 1
contracts:
  - name: "100% Ctx\x01\r\nx"
    kind: callable
    target: app.context.Ctx
    parameters:
      - {name: user_id, required: true}
      - name: client_id
        deprecated_names: [conn_id]
        removed_names: [connection_id]
  - name: Ghost
    kind: callable
    target: app.ghost.Ghost
"""
# An astral character and a non-ASCII one before the keywords: code-point, UTF-16 and UTF-8
# columns all differ there.
ODD_SOURCE = 'from app.context import Ctx\n\nCtx("😀ü", conn_id=1, bogus=2)\n'
FILES = {
    "app/__init__.py": "",
    "app/context.py": "class Ctx:\n    def __init__(self, user_id, client_id=None):\n        pass\n",
    "app/use.py": "from app.context import Ctx\n\nCtx(connection_id=1)\n",
    ODD: ODD_SOURCE,
}




@pytest.fixture
def ws(tmp_path):
    write_workspace(tmp_path, FILES)
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts/app.yaml").write_text(CONTRACTS, encoding="utf-8")
    return tmp_path


def findings(ws: Path, *args: str) -> list[dict]:
    """The JSON format's findings: the reference the other formats must agree with."""
    proc = cli(ws, "--check", "--strict", "--format", "json", *args)
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_the_workspace_produces_what_the_tests_rely_on(ws):
    data = findings(ws)
    assert {(d["path"], d["code"]) for d in data} == {
        (ODD, "CL002"), (ODD, "CL001"), ("app/use.py", "CL003"), ("app/use.py", "CL004"), ("contracts/app.yaml", "CL202"),
    }
    assert {d["severity"] for d in data} == {"error", "warning", "info"}
    assert all("100% Ctx\x01\r\nx" in d["message"] for d in data if d["path"] == ODD)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def test_github_prints_the_spec_shape_for_every_finding(ws):
    data = findings(ws)
    proc = cli(ws, "--check", "--strict", "--format", "github")
    assert proc.returncode == 1, proc.stderr
    expected = [
        f"::error file={_escape_property(d['path'])},line={d['line']},col={d['column']},title={d['code']}::{_escape_data(d['message'])}"
        for d in data
    ]
    assert proc.stdout.splitlines() == expected
    # spelled out once: the escapes, and no code before the message
    assert (
        "::error file=sp ace/ü%2C a%3Ab%25.py,line=3,col=11,title=CL002::"
        "Keyword 'conn_id' of 100%25 Ctx\x01%0D%0Ax is deprecated; use 'client_id'"
    ) in expected
    # each line is one command of exactly the SPEC's shape, whatever the severity
    for line in proc.stdout.splitlines():
        assert re.fullmatch(r"::error file=[^,:\r\n]+,line=\d+,col=\d+,title=CL\d{3}::[^\r\n]*", line), line


def test_junit_has_one_testcase_per_finding_and_counts_that_match(ws):
    data = findings(ws)
    proc = cli(ws, "--check", "--strict", "--format", "junit")
    assert proc.returncode == 1, proc.stderr
    root = ET.fromstring(proc.stdout.encode("utf-8"))  # raises if the XML is not well-formed
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == (str(len(data)), str(len(data)))
    suites = root.findall("testsuite")
    assert sorted(s.get("name") for s in suites) == sorted({d["path"] for d in data})
    seen = []
    for suite in suites:
        cases = suite.findall("testcase")
        assert (suite.get("tests"), suite.get("failures")) == (str(len(cases)), str(len(cases)))
        for case in cases:
            (failure,) = case.findall("failure")
            seen.append((suite.get("name"), case.get("name"), failure.get("type"), failure.get("message"), failure.text))
    # XML 1.0 cannot hold \x01 even as a reference: it becomes U+FFFD; CR LF survive in attributes
    expected = [
        (d["path"], f"{d['code']} {d['line']}:{d['column']}", d["code"], d["message"].replace("\x01", "\ufffd"))
        for d in data
    ]
    assert sorted(s[:4] for s in seen) == sorted(expected)
    for path, name, code, _, text in seen:
        assert text.startswith(f"{path}:{name.split()[1]}: {code} "), text


def test_junit_without_findings_is_valid_and_counts_zero(ws):
    proc = cli(ws, "--check", "app/context.py", "--format", "junit")
    assert proc.returncode == 0, proc.stderr
    root = ET.fromstring(proc.stdout.encode("utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("0", "0")
    assert all(s.get("tests") == "0" and not s.findall("testcase") for s in root.findall("testsuite"))


def test_sarif_uris_are_percent_encoded_and_columns_are_code_points(ws):
    data = findings(ws)
    proc = cli(ws, "--check", "--strict", "--format", "sarif")
    assert proc.returncode == 1, proc.stderr
    (run,) = json.loads(proc.stdout)["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    located = []
    for result in run["results"]:
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        region = location["physicalLocation"]["region"]
        # a valid URI reference: nothing outside RFC 3986's unreserved set, '/' and escapes
        assert re.fullmatch(r"(?:[A-Za-z0-9._~/-]|%[0-9A-F]{2})+", uri), uri
        for fix in result.get("fixes", []):
            assert [c["artifactLocation"]["uri"] for c in fix["artifactChanges"]] == [uri]
        located.append((unquote(uri), region["startLine"], region["startColumn"], region["endColumn"], result["ruleId"]))
    assert sorted(located) == sorted((d["path"], d["line"], d["column"], d["end_column"], d["code"]) for d in data)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "sp%20ace/%C3%BC%2C%20a%3Ab%25.py" in uris
    assert "app/use.py" in uris  # still relative to the current directory

    # the columns count code points, 1-based: Python str indices of the source line, plus one
    line = ODD_SOURCE.splitlines()[2]
    column = {code: start for (path, _, start, _, code) in located if path == ODD}
    assert column["CL002"] == line.index("conn_id") + 1 == 11
    assert column["CL001"] == line.index("bogus") + 1
    utf16 = len(line[: line.index("conn_id")].encode("utf-16-le")) // 2 + 1
    assert utf16 != column["CL002"]  # so the check above tells code points from UTF-16
