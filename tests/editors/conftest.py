"""Editor end-to-end tests: real Neovim, Emacs and VS Code (code-server). Marked ``e2e``,
so the inner loop can leave them out: ``pytest -m "not e2e"``."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/editors/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)
