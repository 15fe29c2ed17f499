"""The switch for every fast path: the bytes prefilter (:mod:`contract_lsp.index.mentions`),
the pre-parse triage (:mod:`contract_lsp.rules.triage`), and the rules' own screens (only
the lines and callees that name a contracted word are examined).

The fast paths may only skip work whose result they can prove; they never decide what a
rule decides. With ``CONTRACT_LSP_FAST_PATH=0`` in the environment they are all off: every
file is parsed and every call examined by the rules alone. That run is the reference: the
tests run each rule both ways, and ``--check`` must give byte-identical output both ways.
"""

from __future__ import annotations

import os

#: False when ``CONTRACT_LSP_FAST_PATH=0``; tests flip it in-process.
ENABLED: bool = os.environ.get("CONTRACT_LSP_FAST_PATH", "1") != "0"


class _Everything(frozenset):
    """A word set that holds every word (the rules' callee screen, switched off)."""

    def __contains__(self, item: object) -> bool:
        return True


EVERYTHING: frozenset[str] = _Everything()


def words(found: frozenset[str]) -> frozenset[str]:
    """``found``, or every word when the fast paths are off."""
    return found if ENABLED else EVERYTHING
