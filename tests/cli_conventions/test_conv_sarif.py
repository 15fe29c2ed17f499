"""SARIF that code scanning shows (SPEC §4): each rule's ``help`` holds its section of
docs/rules.md, no ``file:`` helpUri, and results outside the current directory are located
by absolute file URIs."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

from conv_helpers import DIRTY, FILES, cli, write

from contract_lsp.docs import RULES_MD
from contract_lsp.findings import RULES


def sarif_run(cwd: Path, *args: str) -> dict:
    proc = cli(cwd, "--check", "--format", "sarif", *args)
    assert proc.returncode == 1, proc.stderr
    (run,) = json.loads(proc.stdout)["runs"]
    return run


def test_every_rule_carries_its_section_of_rules_md_and_no_file_link(tmp_path):
    ws = write(tmp_path / "ws", {**FILES, "app/dirty.py": DIRTY})
    rules = {rule["id"]: rule for rule in sarif_run(ws)["tool"]["driver"]["rules"]}
    assert set(rules) == set(RULES)
    markdown = RULES_MD.read_text(encoding="utf-8")
    for code, rule in rules.items():
        text, md = rule["help"]["text"], rule["help"]["markdown"]
        assert text == md
        assert text.startswith(f"## {code}: "), text[:80]
        assert text.strip() in markdown  # verbatim from the installed rules.md
        # it ends before the next rule: no other code's heading in it
        assert not any(f"## {other}:" in text for other in RULES if other != code)
        assert "helpUri" not in rule or not rule["helpUri"].startswith("file:")
    assert "websocket_connection_id" in rules["CL002"]["help"]["markdown"]  # the code block too
    assert "informationUri" not in sarif_run(ws)["tool"]["driver"] or not sarif_run(ws)["tool"]["driver"]["informationUri"].startswith("file:")


def test_a_result_outside_the_current_directory_has_an_absolute_file_uri(tmp_path):
    ws = write(tmp_path / "ws w", {**FILES, "app/dirty.py": DIRTY})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = sarif_run(elsewhere, "--contracts", str(ws / "contracts"), str(ws / "app" / "dirty.py"))
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert len(uris) == 1
    (uri,) = uris
    parsed = urlparse(uri)
    assert parsed.scheme == "file" and "%20" in uri  # a URI: the space is escaped
    assert Path(unquote(parsed.path)) == ws / "app" / "dirty.py"
    for result in run["results"]:
        for fix in result.get("fixes", []):
            assert [c["artifactLocation"]["uri"] for c in fix["artifactChanges"]] == [uri]


def test_a_result_under_the_current_directory_stays_relative(tmp_path):
    ws = write(tmp_path / "ws", {**FILES, "app/dirty.py": DIRTY})
    run = sarif_run(ws)
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {"app/dirty.py"}
