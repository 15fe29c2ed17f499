""":func:`contract_lsp.safe_io.safe_read_bytes` (issue 15): regular files only, never
blocking, never more than the limit."""

from __future__ import annotations

import os

import pytest

from contract_lsp.safe_io import FileTooLargeError, NotRegularFileError, safe_read_bytes


def test_safe_read_bytes_refuses_what_is_not_a_regular_file(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(NotRegularFileError, match="a FIFO"):
        safe_read_bytes(tmp_path / "fifo")
    with pytest.raises(NotRegularFileError, match="a folder"):
        safe_read_bytes(tmp_path)
    (tmp_path / "f").write_bytes(b"12345")
    assert safe_read_bytes(tmp_path / "f", limit=5) == b"12345"
    with pytest.raises(FileTooLargeError):
        safe_read_bytes(tmp_path / "f", limit=4)
