"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from contract_lsp import fast_path as _fast_path


@pytest.fixture(params=["fast paths on", "fast paths off"])
def fast_path(request, monkeypatch):
    """Run a test with the prefilter, the triage and the rules' screens on, then off
    (:mod:`contract_lsp.fast_path`): a rule's result must not depend on them. Rule test
    modules use it with ``pytestmark = pytest.mark.usefixtures("fast_path")``."""
    monkeypatch.setattr(_fast_path, "ENABLED", request.param == "fast paths on")
    return _fast_path.ENABLED


def pytest_collection_modifyitems(items):
    """Markers by folder: ``e2e`` for the real editors (Neovim, Emacs, VS Code in
    code-server), so that the inner loop can leave them out (``pytest -m "not e2e"``)."""
    for item in items:
        if "/tests/editors/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
