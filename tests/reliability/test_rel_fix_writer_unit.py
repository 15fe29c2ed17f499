""":func:`contract_lsp.cli.fix_writer.write_fixed` on real files (issue 15): it refuses a
file changed since it was read, keeps the mode, replaces atomically, writes through links
inside the workspace only, and leaves no temporary file behind."""

from __future__ import annotations

import stat

import pytest

from contract_lsp.cli.fix_writer import NotWritten, write_fixed


def test_writer_refuses_a_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"edited by someone else\n")
    with pytest.raises(NotWritten, match="changed while fixing: not written"):
        write_fixed(str(path), b"what we read\n", b"our fix\n", tmp_path)
    assert path.read_bytes() == b"edited by someone else\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]  # no temporary file left


def test_writer_keeps_the_mode_and_replaces_atomically(tmp_path):
    path = tmp_path / "a.py"
    path.write_bytes(b"old\n")
    path.chmod(0o750)
    inode = path.stat().st_ino
    assert write_fixed(str(path), b"old\n", b"new\n", tmp_path) == str(path)
    assert path.read_bytes() == b"new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert path.stat().st_ino != inode  # a new file moved in place, not the old one truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_writer_writes_through_a_link_inside_the_workspace_only(tmp_path):
    outside = tmp_path / "outside"
    ws = tmp_path / "ws"
    outside.mkdir()
    ws.mkdir()
    (outside / "o.py").write_bytes(b"old\n")
    (ws / "real.py").write_bytes(b"old\n")
    (ws / "out.py").symlink_to(outside / "o.py")
    (ws / "in.py").symlink_to(ws / "real.py")
    with pytest.raises(NotWritten, match="outside the workspace"):
        write_fixed(str(ws / "out.py"), b"old\n", b"new\n", ws)
    assert (outside / "o.py").read_bytes() == b"old\n"
    assert write_fixed(str(ws / "in.py"), b"old\n", b"new\n", ws) == str(ws / "real.py")
    assert (ws / "in.py").is_symlink() and (ws / "real.py").read_bytes() == b"new\n"


def test_a_run_checks_each_file_again_just_before_moving_it(tmp_path):
    """Files are added (temporary files written) as they are fixed, and moved in place at
    the end: one changed in between is left as the other writer saved it."""
    from contract_lsp.cli.fix_writer import FixWriter

    paths = [tmp_path / f"m{i}.py" for i in range(12)]  # past FSYNC_EACH: one sync for all
    for path in paths:
        path.write_bytes(b"old\n")
    writer = FixWriter(tmp_path)
    for path in paths:
        writer.add(str(path), b"old\n", b"new\n")
    paths[5].write_bytes(b"saved by an editor meanwhile\n")
    results = writer.commit()
    assert [str(problem) if problem else None for _, problem in results] == [None] * 5 + ["changed while fixing: not written"] + [None] * 6
    assert paths[5].read_bytes() == b"saved by an editor meanwhile\n"
    assert all(p.read_bytes() == b"new\n" for i, p in enumerate(paths) if i != 5)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no temporary file left
