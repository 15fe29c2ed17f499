"""Fixtures of the reliability tests (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_helpers import write_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A small workspace (see :func:`reliability_helpers.write_workspace`)."""
    return write_workspace(tmp_path)
