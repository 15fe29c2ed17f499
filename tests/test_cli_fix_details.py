"""Details of ``contract-lsp --check`` (SPEC §4), with the real CLI in a subprocess on real
files: ``--fix`` keeps a file's encoding, ``--diff`` output applies with ``patch`` / ``git
apply``, options a mode does not read are usage errors, ``--select`` / ``--ignore`` add up
when repeated and reject unknown codes (on the command line and in ``pyproject.toml``)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from contract_lsp.config import load_settings
from workspace_helpers import cli, write_workspace

CONTRACTS = """
version: 1
contracts:
  - name: fn
    kind: callable
    target: app.lib.fn
    parameters:
      - name: new_name
        deprecated_names: [old_name]
        removed_names: [gone_name]
  - name: wide
    kind: callable
    target: app.lib.wide
    parameters:
      - name: 名前
        deprecated_names: [old_name]
"""

FILES = {
    "contracts/app.yaml": CONTRACTS,
    "app/__init__.py": "",
    "app/lib.py": """
        def fn(new_name=None):
            return new_name

        def wide(名前=None):
            return 名前
    """,
}




@pytest.fixture
def ws(tmp_path):
    return write_workspace(tmp_path, FILES)


# -- 1. --fix writes a file back in the encoding it was read with ----------------------


@pytest.mark.parametrize(
    "original",
    [
        # PEP 263 cookie: é is one latin-1 byte, also on the line that is fixed
        b'# -*- coding: latin-1 -*-\nfrom app.lib import fn\n\ns = "caf\xe9"\nfn(old_name="caf\xe9")\n',
        # UTF-8 with a byte order mark: the BOM stays
        b"\xef\xbb\xbffrom app.lib import fn\n\nfn(old_name=1)\n",
        # a latin-1 cookie on bytes that are valid UTF-8: read as UTF-8, so written as UTF-8
        b'# coding: latin-1\nfrom app.lib import fn\nfn(old_name="caf\xc3\xa9")\n',
        # CRLF line ends and a cp1252 cookie
        b'# coding: cp1252\r\nfrom app.lib import fn\r\nfn(old_name="\x80")\r\n',
    ],
    ids=["latin-1", "utf-8-bom", "utf-8-under-latin-1-cookie", "cp1252-crlf"],
)
def test_fix_changes_only_the_keyword_bytes(ws, original):
    (ws / "app/use.py").write_bytes(original)
    proc = cli(ws, "--check", "--fix", "app/use.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (ws / "app/use.py").read_bytes() == original.replace(b"old_name", b"new_name")


def test_fix_that_the_file_encoding_cannot_hold_is_not_written(ws):
    """The new keyword ``名前`` has no latin-1 bytes: the file stays as it was (no UTF-8
    bytes under a latin-1 cookie), the reason is on stderr and the finding is reported."""
    original = b'# -*- coding: latin-1 -*-\nfrom app.lib import wide\ns = "caf\xe9"\nwide(old_name=1)\n'
    (ws / "app/use.py").write_bytes(original)
    proc = cli(ws, "--check", "--fix", "app/use.py")
    assert (ws / "app/use.py").read_bytes() == original
    assert proc.returncode == 1
    assert "app/use.py:4:6: CL002" in proc.stdout
    assert "app/use.py: not fixed: the fixed text cannot be written in iso-8859-1" in proc.stderr, proc.stderr


# -- 2. --diff marks a missing final newline as GNU diff does ---------------------------

NO_NEWLINE_CASES = {
    # the last line is changed
    "changed-last-line": (
        "from app.lib import fn\nfn(old_name=1)",
        (
            "--- a/app/use.py\n"
            "+++ b/app/use.py\n"
            "@@ -1,2 +1,2 @@\n"
            " from app.lib import fn\n"
            "-fn(old_name=1)\n"
            "\\ No newline at end of file\n"
            "+fn(new_name=1)\n"
            "\\ No newline at end of file\n"
        ),
    ),
    # the last line is context, the same on both sides
    "context-last-line": (
        "from app.lib import fn\nfn(old_name=1)\nx = 1",
        (
            "--- a/app/use.py\n"
            "+++ b/app/use.py\n"
            "@@ -1,3 +1,3 @@\n"
            " from app.lib import fn\n"
            "-fn(old_name=1)\n"
            "+fn(new_name=1)\n"
            " x = 1\n"
            "\\ No newline at end of file\n"
        ),
    ),
    # a form feed is not a line break for diff and patch
    "form-feed": (
        "from app.lib import fn\n\x0c\nfn(old_name=1)  # page\x0cbreak\n",
        (
            "--- a/app/use.py\n"
            "+++ b/app/use.py\n"
            "@@ -1,3 +1,3 @@\n"
            " from app.lib import fn\n"
            " \x0c\n"
            "-fn(old_name=1)  # page\x0cbreak\n"
            "+fn(new_name=1)  # page\x0cbreak\n"
        ),
    ),
}

APPLIERS = {
    "patch": ["patch", "-p1", "--batch", "--input"],
    "git-apply": ["git", "apply", "-p1"],
}


@pytest.mark.parametrize("case", NO_NEWLINE_CASES)
@pytest.mark.parametrize("applier", APPLIERS)
def test_diff_output_applies_with_patch_tools(ws, case, applier):
    source, expected = NO_NEWLINE_CASES[case]
    command = APPLIERS[applier]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed")
    (ws / "app/use.py").write_bytes(source.encode())
    proc = cli(ws, "--check", "--diff", "app/use.py")
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == expected
    assert (ws / "app/use.py").read_bytes() == source.encode()  # --diff changes nothing
    (ws / "fix.diff").write_bytes(proc.stdout.encode())
    applied = subprocess.run([*command, "fix.diff"], cwd=ws, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (ws / "app/use.py").read_bytes() == source.replace("old_name", "new_name").encode()


# -- 3. options the chosen mode does not read are usage errors -------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # without --check the language server would start and ignore them
        (["--fix"], "--fix is only accepted with --check"),
        (["--diff"], "--diff is only accepted with --check"),
        (["--unsafe-fixes"], "--unsafe-fixes is only accepted with --check"),
        (["--strict"], "--strict is only accepted with --check"),
        (["--exit-zero"], "--exit-zero is only accepted with --check"),
        (["--statistics"], "--statistics is only accepted with --check"),
        (["--stdio", "--select", "CL001"], "--select is only accepted with --check, --diff-contracts or --impact"),
        (["--format", "json"], "--format is only accepted with --check, --diff-contracts or --impact"),
        (["--contracts", "contracts"], "--contracts is only accepted with --check, --extract, --diff-contracts, --impact or --verify"),
        # other modes that would ignore them
        (["--impact", "fn", "--fix"], "--fix is only accepted with --check"),
        (["--diff-contracts", "HEAD", "--statistics"], "--statistics is only accepted with --check"),
        (["--extract", "app.lib.fn", "--format", "json"], "--format is only accepted with --check, --diff-contracts or --impact"),
        (["--extract", "app.lib.fn", "--ignore", "CL001"], "--ignore is only accepted with --check, --diff-contracts or --impact"),
    ],
)
def test_options_the_mode_does_not_read_are_usage_errors(ws, argv, message):
    proc = cli(ws, *argv)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and proc.stdout == ""


def test_options_the_other_modes_read_are_still_accepted(ws):
    (ws / "app/use.py").write_text("from app.lib import fn\nfn(old_name=1)\n")
    proc = cli(ws, "--impact", "fn", "--format", "json", "--select", "CL0", "--contracts", "contracts")
    assert proc.returncode == 0, proc.stderr
    assert '"codes": [\n      "CL002"\n    ]' in proc.stdout
    # CL002 ignored: the call site is valid for --impact
    proc = cli(ws, "--impact", "fn", "--ignore", "CL002")
    assert proc.returncode == 0 and "app/use.py:2:1: call valid" in proc.stdout, proc.stdout + proc.stderr
    proc = cli(ws, "--extract", "app.lib.fn", "--contracts", "contracts")
    assert proc.returncode == 0 and "name: fn" in proc.stdout, proc.stderr


# -- 4. repeated --select / --ignore add up --------------------------------------------

TWO_CODES = "from app.lib import fn\nfn(old_name=1)\nfn(gone_name=2)\n"  # CL002, CL003


def _codes(proc: subprocess.CompletedProcess) -> list[str]:
    return [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("app/")]


def test_repeated_select_and_ignore_add_up(ws):
    (ws / "app/use.py").write_text(TWO_CODES)
    assert _codes(cli(ws, "--check", "app/use.py")) == ["CL002", "CL003"]
    proc = cli(ws, "--check", "app/use.py", "--ignore", "CL002", "--ignore", "CL003")
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n"), proc.stderr
    proc = cli(ws, "--check", "app/use.py", "--select", "CL002", "--select", "CL003")
    assert _codes(proc) == ["CL002", "CL003"]
    proc = cli(ws, "--check", "app/use.py", "--select", "CL1", "--select", "cl003,CL2")
    assert _codes(proc) == ["CL003"]


# -- 5. unknown codes in select / ignore -----------------------------------------------


@pytest.mark.parametrize(
    ("argv", "bad"),
    [
        (["--select", "XYZ"], "'XYZ'"),
        (["--ignore", "CL002,cl9x"], "'cl9x'"),
        (["--select", "CL0", "--select", "CL007"], "'CL007'"),
    ],
)
def test_unknown_codes_on_the_command_line_are_usage_errors(ws, argv, bad):
    (ws / "app/use.py").write_text(TWO_CODES)
    proc = cli(ws, "--check", "app/use.py", *argv)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"unknown code {bad}" in proc.stderr and proc.stdout == ""


def test_known_codes_prefixes_and_all_are_accepted(ws):
    (ws / "app/use.py").write_text(TWO_CODES)
    proc = cli(ws, "--check", "app/use.py", "--select", "all", "--ignore", "cl00,CL1,CL900")
    assert (proc.returncode, proc.stdout) == (0, "All checks passed!\n"), proc.stderr
    assert _codes(cli(ws, "--check", "app/use.py", "--select", "ALL,CL", "--ignore", "CL003")) == ["CL002"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('select = ["CL0", "xyz"]', "'select' has an unknown code 'xyz'"),
        ('ignore = "CL002, CL7"', "'ignore' has an unknown code 'CL7'"),
    ],
)
def test_unknown_codes_in_pyproject_are_exit_2(ws, table, message):
    (ws / "app/use.py").write_text(TWO_CODES)
    (ws / "pyproject.toml").write_text(f'[project]\nname = "ws"\n\n[tool.contract-lsp]\n{table}\n')
    proc = cli(ws, "--check", "app/use.py")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"pyproject.toml: {message}" in proc.stderr and proc.stdout == ""


def test_unknown_codes_from_the_client_are_dropped(tmp_path):
    """An editor's settings never make the server fail: bad entries are left out, and a
    list of only bad entries is as if the client had not set it."""
    (tmp_path / "pyproject.toml").write_text('[tool.contract-lsp]\nselect = ["CL0"]\nignore = ["CL001"]\n')
    settings = load_settings(tmp_path, overrides={"select": ["XYZ"], "ignore": ["cl002", "nope", "CL10"]})
    assert settings.select == ["CL0"]
    assert settings.ignore == ["CL002", "CL10"]
