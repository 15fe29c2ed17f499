"""Contract files that passed the JSON Schema are not validated again (registry/verdicts.py),
and a verdict never hides an error: the digest covers the text."""

from __future__ import annotations

from contract_lsp.registry.loader import load_registry
from contract_lsp.registry.verdicts import FILE_NAME, SchemaVerdicts

GOOD = "version: 1\ncontracts:\n  - {name: f, kind: callable, target: m.f, parameters: [a]}\n"
BAD = "version: 1\ncontracts:\n  - {name: f, kind: callable, target: m.f, paramters: [a]}\n"


def test_a_valid_text_is_remembered_and_an_edited_one_validated_again(tmp_path):
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "c.yaml").write_text(GOOD)
    cache = tmp_path / "cache"
    verdicts = SchemaVerdicts(cache)
    first = load_registry([contracts], verdicts=verdicts)
    verdicts.save()
    assert not first.errors and [c.name for c in first.contracts] == ["f"]
    assert (cache / FILE_NAME).read_text().count("\n") == 1 and (cache / ".gitignore").exists()
    again = SchemaVerdicts(cache)
    assert again.passed(GOOD)
    assert [c.name for c in load_registry([contracts], verdicts=again).contracts] == ["f"]
    # an unknown key is still CL900 at its line, with the verdicts of the good text at hand
    (contracts / "c.yaml").write_text(BAD)
    broken = load_registry([contracts], verdicts=again)
    assert [(e.line, "paramters" in e.message) for e in broken.errors] == [(3, True)]
    assert not again.passed(BAD)


def test_a_garbled_verdicts_file_only_means_validating_again(tmp_path):
    contracts = tmp_path / "contracts"
    contracts.mkdir()
    (contracts / "c.yaml").write_text(GOOD)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / FILE_NAME).write_bytes(b"\xff\xfe not a digest\n" + b"z" * 64 + b"\n")
    verdicts = SchemaVerdicts(cache)
    assert not verdicts.passed(GOOD)
    assert not load_registry([contracts], verdicts=verdicts).errors
