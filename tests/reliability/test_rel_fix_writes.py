"""``--fix`` never loses a byte (issue 15): atomic writes that keep the mode, never over a
file changed since it was read, never through a link out of the workspace, each real
file once, a file that cannot be written named and skipped while the rest goes on."""

from __future__ import annotations

import os
import resource

from reliability_helpers import cli

USE = "from app.lib import fn\nfn(old_name=1)\n"
FIXED = USE.replace("old_name", "new_name")


def test_a_link_inside_the_tree_is_checked_and_fixed_once(ws):
    (ws / "app/use.py").write_text(USE)
    (ws / "app/alias.py").symlink_to(ws / "app/use.py")
    proc = cli(ws, "--check", "--format", "json")
    assert proc.stdout.count('"code": "CL002"') == 1, proc.stdout
    proc = cli(ws, "--check", "--fix")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (ws / "app/use.py").read_text() == FIXED and (ws / "app/alias.py").is_symlink()
    assert proc.stderr.count("fixed 1 in") == 1, proc.stderr


def test_a_link_out_of_the_workspace_is_not_written(ws, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "theirs.py"
    elsewhere.write_text(USE)
    (ws / "app/theirs.py").symlink_to(elsewhere)
    (ws / "app/ours.py").write_text(USE)
    proc = cli(ws, "--check", "--fix")
    assert elsewhere.read_text() == USE
    assert "app/theirs.py: a symbolic link to a file outside the workspace: not written" in proc.stderr
    assert (ws / "app/ours.py").read_text() == FIXED
    assert proc.returncode == 1 and "app/theirs.py:2:4: CL002" in proc.stdout


def test_a_read_only_file_is_named_and_the_rest_is_fixed(ws):
    for name in ("a.py", "b.py", "c.py"):
        (ws / "app" / name).write_text(USE)
    (ws / "app/b.py").chmod(0o444)
    proc = cli(ws, "--check", "--fix")
    assert "Traceback" not in proc.stderr
    assert "app/b.py: read-only file: not written" in proc.stderr
    assert (ws / "app/a.py").read_text() == FIXED and (ws / "app/c.py").read_text() == FIXED
    assert (ws / "app/b.py").read_text() == USE
    assert proc.returncode == 1 and "app/b.py:2:4: CL002" in proc.stdout


def test_a_folder_that_cannot_take_the_new_file_is_named(ws):
    (ws / "locked").mkdir()
    (ws / "locked/use.py").write_text(USE)
    (ws / "app/use.py").write_text(USE)
    (ws / "locked").chmod(0o555)
    try:
        proc = cli(ws, "--check", "--fix", unprivileged=True)
    finally:
        (ws / "locked").chmod(0o755)
    assert "locked/use.py: cannot be written: Permission denied" in proc.stderr, proc.stderr
    assert (ws / "locked/use.py").read_text() == USE and (ws / "app/use.py").read_text() == FIXED


def _small_file_limit():
    # what a full disk does to a write (EFBIG instead of ENOSPC): Python ignores SIGXFSZ
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_failed_write_leaves_the_file_whole(ws):
    source = "from app.lib import fn\n" + "x = 1\n" * 60 + "fn(old_name=1)\n"
    (ws / "app/use.py").write_text(source)
    # without the cache (SPEC §4), whose own writes would meet the same limit
    no_cache = ["--no-cache"] if "--no-cache" in cli(ws, "--help").stdout else []
    proc = cli(ws, "--check", "--fix", *no_cache, "app/use.py", preexec=_small_file_limit)
    assert (ws / "app/use.py").read_text() == source
    assert "app/use.py: cannot be written: File too large" in proc.stderr, proc.stderr
    assert proc.returncode == 1 and not [p for p in os.listdir(ws / "app") if p.endswith(".tmp")]


def test_fixed_lines_name_paths_relative_to_the_current_folder(ws):
    (ws / "app/use.py").write_text(USE)
    proc = cli(ws / "app", "--check", "--fix", str(ws / "app/use.py"))
    assert "contract-lsp: fixed 1 in use.py" in proc.stderr, proc.stderr
    assert str(ws) not in proc.stderr
