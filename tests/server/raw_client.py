"""The server in a subprocess, spoken to in hand-written JSON-RPC: for tests where the
framing itself, or the order of messages on the wire, is under test."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading


def frame(message: dict) -> bytes:
    """``message`` as one LSP base-protocol message (``Content-Length`` header, JSON body)."""
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawServer:
    """The server in a subprocess, spoken to byte by byte; its stderr collected."""

    def __init__(self, root) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "contract_lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.stderr = b""
        self.logs: list[str] = []
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()
        self._messages: queue.Queue = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.send(frame({"jsonrpc": "2.0", "id": "init", "method": "initialize",
                          "params": {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}}))
        self.answer("init")
        self.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr += line

    def send(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _read_stdout(self) -> None:
        while True:
            length = 0
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    self._messages.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self._messages.put(json.loads(self.proc.stdout.read(length)))

    def read(self) -> dict:
        """The next message; a server silent for 30 s fails the test (not hangs it)."""
        try:
            message = self._messages.get(timeout=30)
        except queue.Empty:
            raise AssertionError("the server did not answer within 30 s") from None
        if message is None:
            raise AssertionError("the server closed its output")
        return message

    def answer(self, msg_id) -> dict:
        """The response to ``msg_id`` (log messages met on the way are kept)."""
        while True:
            message = self.read()
            if message.get("method") == "window/logMessage":
                self.logs.append(message["params"]["message"])
            if message.get("id") == msg_id and "method" not in message:
                return message

    def request(self, msg_id, method: str, params) -> dict:
        self.send(frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
        return self.answer(msg_id)

    def close(self) -> int:
        if self.proc.poll() is None:
            self.proc.kill()
        code = self.proc.wait(timeout=30)
        self._drain.join(timeout=5)
        return code
