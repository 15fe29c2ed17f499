"""The README's first command: the bundled example, checked by the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "chat_service"


def line_with(rel: str, needle: str) -> int:
    for number, line in enumerate((EXAMPLE / rel).read_text().splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def run_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "contract_lsp", "--check", "examples", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )


def test_example_findings_are_exactly_the_planted_bugs():
    proc = run_check("--format", "json")
    assert proc.returncode == 1, proc.stderr
    found = {(d["path"], d["line"], d["code"]) for d in json.loads(proc.stdout)}
    base = "examples/chat_service/"
    expected = {
        (base + "supervisor_factory.py", line_with("supervisor_factory.py", "connection_id=context.connection_id"), "CL003"),
        (base + "agent_handler.py", line_with("agent_handler.py", "websocket_connection_id="), "CL002"),
        (base + "ws/unified.py", line_with("ws/unified.py", "class UnifiedWebSocketManager"), "CL101"),
        (base + "ws/isolated.py", line_with("ws/isolated.py", "async def update_connection_thread"), "CL102"),
        (base + "routes.py", line_with("routes.py", "user_idd="), "CL001"),
        (base + "bridge.py", line_with("bridge.py", "ctx_module.UserExecutionContext(user_id"), "CL004"),
    }
    assert found == expected
    assert not any("testing/fakes.py" in path for path, _, _ in found)  # the other UserExecutionContext


def test_text_output_names_the_missing_methods():
    proc = run_check()
    assert "'get_connection_id_by_websocket', 'update_connection_thread'" in proc.stdout
    assert "CL003 Keyword 'connection_id' of UserExecutionContext was removed; use 'websocket_client_id'" in proc.stdout


def test_diff_shows_the_safe_renames_without_touching_files():
    before = (EXAMPLE / "supervisor_factory.py").read_text()
    proc = run_check("--diff")
    assert proc.returncode == 1
    assert "+            websocket_client_id=context.connection_id," in proc.stdout
    assert "+            websocket_client_id=connection_id," in proc.stdout
    assert (EXAMPLE / "supervisor_factory.py").read_text() == before


def test_check_gives_the_same_json_with_the_fast_paths_off():
    """One rule, one implementation: the prefilter, the triage and the rules' screens only
    skip work; with them off (CONTRACT_LSP_FAST_PATH=0) every file is parsed and every call
    examined, and the findings are byte for byte the same."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    outputs = []
    for value in ("1", "0"):
        env = {**os.environ, "CONTRACT_LSP_FAST_PATH": value}
        proc = subprocess.run(
            [sys.executable, "-m", "contract_lsp", "--check", "--no-cache", "--format", "json", "examples"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 1, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] and '"CL003"' in outputs[0]
