"""Real VS Code (code-server) with the built .vsix installed, driven by Playwright in
Debian's Chromium: the example service shows a contract-lsp diagnostic in the Problems
panel, the hover shows the contract, and the quick fix makes the diagnostic go away.

Only the .vsix and a python3 (SPEC §6): the extension runs the server it carries with the
``python3`` first on code-server's PATH, a fresh virtualenv with nothing installed (not
contract-lsp, not pygls), and no ``contractLsp.serverCommand`` is set. With no python3 on
PATH at all, the extension says so in one error message and in its output channel.

Set-up: ``scripts/editor-e2e/setup.sh`` (``.ci/run`` calls it). Screenshots go to
``$CONTRACT_LSP_SCREENSHOTS`` when set (the README's come from here), else to tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
CACHE = REPO / ".cache" / "editor-e2e"
CODE_SERVER = CACHE / "code-server" / "node_modules" / ".bin" / "code-server"
SHIMS = CACHE / "shims"
VSIX = REPO / "editors" / "vscode" / "contract-lsp.vsix"
CHROMIUM = Path("/usr/bin/chromium")
#: the Python the fresh virtualenv is made from (the one under this test's venv)
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)
SETUP = "run scripts/editor-e2e/setup.sh (.ci/run does)"


def _missing() -> str | None:
    if not CODE_SERVER.exists():
        return f"code-server not installed: {SETUP}"
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM}: {SETUP}"
    if not VSIX.exists():
        return f"the extension is not built ({VSIX.name}): {SETUP}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

# The call with the deprecated keyword (CL002, a safe quick fix) in the example service.
FILE = "examples/chat_service/agent_handler.py"
KEYWORD = "websocket_connection_id"
CANONICAL = "websocket_client_id"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SETTINGS = {
    "security.workspace.trust.enabled": False,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "extensions.ignoreRecommendations": True,
    "update.mode": "none",
    "editor.hover.delay": 100,
    "files.autoSave": "off",
    # keep the screenshots on the editor: no chat side bar
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": True,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(path: list[Path | str]) -> dict[str, str]:
    """code-server's environment with ``PATH`` the Node 24 the set-up installed (which
    code-server runs on: the shims hold node, npm and npx only), then exactly ``path``:
    nothing of this test's virtualenv."""
    environ = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    # VSCODE_CLI=1, as `code .` from a terminal sets it: the extension host inherits this
    # PATH instead of the one a login shell's rc files make (pyenv's shims, here)
    return {**environ, "VSCODE_CLI": "1", "PATH": os.pathsep.join(str(p) for p in [SHIMS, *path])}


def _system_path() -> list[str]:
    """The PATH entries without this test's virtualenv (so no contract-lsp there)."""
    ours = Path(sys.executable).parent
    return [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and Path(p) != ours]


@pytest.fixture
def bare_python(tmp_path: Path) -> Path:
    """A fresh virtualenv's bin folder: a python3 with nothing installed."""
    venv = tmp_path / "bare-venv"
    subprocess.run([BASE_PYTHON, "-m", "venv", "--without-pip", str(venv)], check=True)
    for module in ("contract_lsp", "pygls"):
        proc = subprocess.run([str(venv / "bin" / "python3"), "-c", f"import {module}"], cwd=tmp_path, capture_output=True, check=False)
        assert proc.returncode != 0, f"the bare python3 can import {module}"
    return venv / "bin"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(REPO / "examples", ws / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "contracts", ws / "contracts")
    (ws / "pyproject.toml").write_text('[project]\nname = "example"\n\n[tool.contract-lsp]\ncontracts = ["contracts"]\n')
    return ws


@pytest.fixture
def code_server(tmp_path: Path, workspace: Path, bare_python: Path):
    """A running code-server with the .vsix installed, the bare python3 first on its PATH:
    (URL, log path, user data folder)."""
    yield from _code_server(tmp_path, workspace, [bare_python, *_system_path()])


@pytest.fixture
def code_server_without_python(tmp_path: Path, workspace: Path):
    """The same with no python3 on PATH at all (only code-server's Node)."""
    assert sorted(p.name for p in SHIMS.iterdir()) == ["node", "npm", "npx"]  # no python there
    yield from _code_server(tmp_path, workspace, [])


def _code_server(tmp_path: Path, workspace: Path, path: list[Path | str]):
    data, extensions = tmp_path / "data", tmp_path / "extensions"
    (data / "User").mkdir(parents=True)
    (data / "User" / "settings.json").write_text(json.dumps(SETTINGS, indent=2))
    port = _free_port()
    # Our own config file: without --config, code-server writes one (with a password) into
    # ~/.config/code-server and reads whatever a user put there.
    config = tmp_path / "code-server.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    common = ["--config", str(config), "--user-data-dir", str(data), "--extensions-dir", str(extensions)]
    install = subprocess.run(
        [str(CODE_SERVER), *common, "--install-extension", str(VSIX)],
        env=_env(path), capture_output=True, text=True, timeout=180, check=False,
    )
    output = install.stdout + install.stderr
    assert install.returncode == 0 and "error" not in output.lower(), output
    assert "was successfully installed" in output, output
    log = tmp_path / "code-server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(CODE_SERVER), *common, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}",
             "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
             "--disable-getting-started-override", str(workspace)],
            env=_env(path), stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}healthz", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"code-server did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.3)
        yield f"{url}?folder={workspace}", log, data
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _channel(data: Path) -> str:
    """What the extension wrote to its output channel (its log files)."""
    return "".join(p.read_text() for p in sorted(data.glob("logs/*/exthost*/contract-lsp.contract-lsp/*.log")))


def _log_tails(log: Path, data: Path) -> str:
    """code-server's log and the extension's output channel (the client's errors), last lines."""
    parts = [f"--- code-server log (tail) ---\n{log.read_text()[-3000:]}"]
    for channel in sorted(data.glob("logs/*/exthost*/contract-lsp.contract-lsp/*.log")):
        parts.append(f"--- {channel.name} (tail) ---\n{channel.read_text()[-3000:]}")
    return "\n".join(parts)


def _open_file(page, name: str) -> None:
    page.keyboard.press("Control+P")
    page.wait_for_selector(".quick-input-widget input", timeout=15_000)
    page.keyboard.type(name)
    page.wait_for_selector(f".quick-input-list .monaco-list-row[aria-label*='{name}']", timeout=15_000)
    page.keyboard.press("Enter")
    page.wait_for_selector(f".tab.active[aria-label*='{name}']", timeout=15_000)


def _shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("CONTRACT_LSP_SCREENSHOTS") or tmp_path / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def test_vscode_shows_diagnostic_hover_and_applies_quick_fix(code_server, workspace, tmp_path, bare_python):
    from playwright.sync_api import expect, sync_playwright

    url, log, data = code_server
    shots = _shots(tmp_path)
    source = workspace / FILE
    line, column = next(
        (n + 1, text.index(KEYWORD) + 1) for n, text in enumerate(source.read_text().splitlines()) if KEYWORD in text
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(url)
            page.wait_for_selector(".monaco-workbench", timeout=60_000)
            page.wait_for_selector(".explorer-folders-view", timeout=60_000)
            # Quick Open the file with the deprecated keyword.
            _open_file(page, Path(FILE).name)

            # The diagnostic: a squiggle in the editor and a row in the Problems panel.
            page.wait_for_selector(".monaco-editor .squiggly-warning", timeout=60_000)
            page.keyboard.press("Control+Shift+M")
            problem = page.locator(".markers-panel .monaco-list-row", has_text="CL002")
            expect(problem.first).to_be_visible(timeout=30_000)
            expect(problem.first).to_contain_text("deprecated")
            expect(problem.first).to_contain_text(f"[Ln {line}, Col {column}]")
            # Selecting the row scrolls it into view (the panel is shorter than the six findings)
            # and moves the editor's cursor onto the keyword.
            problem.first.click()
            expect(problem.first).to_have_class(re.compile(r"\bselected\b"), timeout=5_000)
            page.screenshot(path=str(shots / "vscode-diagnostic.png"))

            # Hover on the keyword with the mouse: the contract's name and the canonical
            # parameter. (Clicking it also puts the cursor there, for the quick fix below.)
            token = page.locator(".monaco-editor .view-lines").first.get_by_text(KEYWORD, exact=True)
            token.click()
            token.hover()
            # (the diagnostic's own hover names the contract too: wait for our hover provider's
            # part, the contract's kind, target and doc)
            hover = page.locator(".monaco-hover-content", has_text="contract (callable) for chat_service.context.UserExecutionContext")
            expect(hover.first).to_be_visible(timeout=30_000)
            expect(hover.first).to_contain_text("Per-request context")
            expect(hover.first).to_contain_text(f"{CANONICAL}: Optional[str] = None")
            page.screenshot(path=str(shots / "vscode-hover.png"))
            page.keyboard.press("Escape")

            # The quick fix, from the light bulb menu (Ctrl+.).
            page.keyboard.press("Control+.")
            action = page.locator(".action-widget .monaco-list-row", has_text=f"contract-lsp (CL002): Rename '{KEYWORD}'")
            expect(action.first).to_be_visible(timeout=30_000)
            expect(page.locator(".action-widget .monaco-list-row", has_text="contract-lsp (CL002): Disable for this line")).to_have_count(1)
            page.screenshot(path=str(shots / "vscode-quickfix.png"))
            action.first.click()

            # The diagnostic goes; saving writes the canonical keyword to disk.
            expect(problem).to_have_count(0, timeout=30_000)
            page.keyboard.press("Control+S")
            deadline = time.monotonic() + 15
            while KEYWORD in source.read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            text = source.read_text()
            assert KEYWORD not in text and f"{CANONICAL}=" in text
            # the server was the bundled one, run by the bare python3
            channel = _channel(data)
            assert "bundled server with Python 3." in channel and str(bare_python / "python3") in channel, channel[-2000:]
        except Exception as exc:
            page.screenshot(path=str(tmp_path / "failure.png"))
            raise AssertionError(f"{exc}\n{_log_tails(log, data)}") from exc
        finally:
            browser.close()


def test_vscode_without_python_says_what_to_do_once(code_server_without_python, workspace, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, log, data = code_server_without_python
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(url)
            page.wait_for_selector(".monaco-workbench", timeout=60_000)
            _open_file(page, Path(FILE).name)  # a Python file activates the extension
            toast = page.locator(".notifications-toasts .notification-toast", has_text="contract-lsp needs Python 3.11 or newer")
            expect(toast.first).to_be_visible(timeout=60_000)
            expect(toast.first).to_contain_text('found no Python: "python3" on PATH does not exist')
            expect(toast.first).to_contain_text("contractLsp.serverCommand")
            page.screenshot(path=str(_shots(tmp_path) / "vscode-no-python.png"))
            # the same words in the output channel, once: no restart loop behind the message
            deadline = time.monotonic() + 15
            while "needs Python 3.11" not in _channel(data) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert _channel(data).count("contract-lsp needs Python 3.11 or newer") == 1, _channel(data)
            expect(toast).to_have_count(1)
            assert "Client contract-lsp: connection to server is erroring" not in _channel(data)
        except Exception as exc:
            page.screenshot(path=str(tmp_path / "failure.png"))
            raise AssertionError(f"{exc}\n{_log_tails(log, data)}") from exc
        finally:
            browser.close()
