"""Only regular files are read, and no more than a size limit (issue 15): a FIFO named
``*.py`` or linked from ``contracts/``, a link to ``/dev/zero``, a huge file are named on
stderr and skipped, and the run ends; folders and files that cannot be read are named,
without a traceback."""

from __future__ import annotations

import os

import pytest
from reliability_helpers import cli

USE = "from app.lib import fn\nfn(old_name=1)\n"

# A blocked read would hang: the subprocess timeout turns that into a failure.
TIMEOUT = 60


def test_a_fifo_named_py_is_named_and_does_not_block(ws):
    os.mkfifo(ws / "app/pipe.py")
    (ws / "app/use.py").write_text(USE)
    proc = cli(ws, "--check", timeout=TIMEOUT)
    assert "app/pipe.py: skipped: cannot be read: not a regular file (a FIFO)" in proc.stderr, proc.stderr
    assert proc.returncode == 1 and "app/use.py:2:4: CL002" in proc.stdout
    proc = cli(ws, "--check", "app/pipe.py", timeout=TIMEOUT)  # named on the command line
    assert "app/pipe.py: skipped: cannot be read: not a regular file (a FIFO)" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_link_to_a_fifo_in_contracts_does_not_block(ws):
    os.mkfifo(ws / "pipe")
    (ws / "contracts/more.yaml").symlink_to(ws / "pipe")
    proc = cli(ws, "--check", timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "contracts/more.yaml:1:1: CL900" in proc.stderr and "not a regular file (a FIFO)" in proc.stderr


def test_a_link_to_dev_zero_is_named_and_skipped(ws):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    (ws / "app/zero.py").symlink_to("/dev/zero")
    proc = cli(ws, "--check", timeout=TIMEOUT)
    assert "app/zero.py: skipped: cannot be read: not a regular file (a character device)" in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_a_file_over_the_limit_is_named_and_skipped(ws):
    with open(ws / "app/huge.py", "wb") as handle:  # sparse: no disk used
        handle.write(b"from app.lib import fn\nfn(old_name=1)\n")
        handle.truncate(32 * 1024 * 1024 + 1)  # safe_io.MAX_SOURCE_BYTES + 1
    proc = cli(ws, "--check", timeout=TIMEOUT)
    assert "app/huge.py: skipped: cannot be read: larger than 32 MiB (the limit)" in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_an_unreadable_folder_is_named(ws):
    (ws / "app/use.py").write_text(USE)
    (ws / "secret").mkdir()
    (ws / "secret/hidden.py").write_text(USE)
    (ws / "secret").chmod(0)
    try:
        proc = cli(ws, "--check", unprivileged=True, timeout=TIMEOUT)
        alone = cli(ws, "--check", "secret", unprivileged=True, timeout=TIMEOUT)
    finally:
        (ws / "secret").chmod(0o755)
    assert "contract-lsp: secret: skipped: cannot be read: Permission denied" in proc.stderr, proc.stderr
    assert proc.returncode == 1 and "app/use.py:2:4: CL002" in proc.stdout  # the rest is checked
    # the folder asked for cannot be read: nothing was checked, and that is no success
    assert alone.returncode == 2 and "secret: skipped: cannot be read: Permission denied" in alone.stderr, alone.stderr


def test_a_file_in_an_unreadable_folder_named_on_the_command_line(ws):
    (ws / "secret").mkdir()
    (ws / "secret/hidden.py").write_text(USE)
    (ws / "app/use.py").write_text(USE)
    (ws / "secret").chmod(0)
    try:
        proc = cli(ws, "--check", "secret/hidden.py", "app/use.py", unprivileged=True, timeout=TIMEOUT)
    finally:
        (ws / "secret").chmod(0o755)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "secret/hidden.py: skipped: cannot be read: Permission denied" in proc.stderr, proc.stderr
    assert proc.returncode == 1 and "app/use.py:2:4: CL002" in proc.stdout
