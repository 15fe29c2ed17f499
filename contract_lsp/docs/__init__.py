"""Documentation installed with the package: ``rules.md`` has one section per code."""

from __future__ import annotations

from pathlib import Path

RULES_MD = Path(__file__).with_name("rules.md")


def rules_doc_uri() -> str:
    """``file:`` URI of the installed ``rules.md`` (works offline, SPEC §3.4)."""
    return RULES_MD.resolve().as_uri()


def rule_uri(code: str) -> str:
    """Link to ``code``'s section of ``rules.md`` (anchor: the lower-cased code)."""
    return f"{rules_doc_uri()}#{code.lower()}"
