"""Documentation installed with the package: ``rules.md`` has one section per code."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

RULES_MD = Path(__file__).with_name("rules.md")


@lru_cache(maxsize=1)  # every diagnostic links to it: resolve the path once
def rules_doc_uri() -> str:
    """``file:`` URI of the installed ``rules.md`` (works offline, SPEC §3.4)."""
    return RULES_MD.resolve().as_uri()


@lru_cache(maxsize=None)
def rule_uri(code: str) -> str:
    """Link to ``code``'s section of ``rules.md`` (anchor: the lower-cased code)."""
    return f"{rules_doc_uri()}#{code.lower()}"
