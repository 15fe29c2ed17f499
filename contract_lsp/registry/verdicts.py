"""Which contract file texts already passed the JSON Schema, so that loading them again
needs neither ``jsonschema`` (≈ 85 ms to import) nor the validation.

The language server's first diagnostics wait for the registry (SPEC §5), and most starts
read contract files that have not changed since the last one. A text that passed the
schema passes it again; the digest covers the text, the schema and the tool's version, so
any of them changing means validating again. Everything else the loader checks (duplicate
keys, versions, names) still runs. The digests live in the cache directory (SPEC §4,
``cache-dir``) as ``schema-valid.txt``; a missing, unreadable or garbled file only means
validating again, never an error.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import lru_cache
from pathlib import Path

FILE_NAME = "schema-valid.txt"
#: digests kept (newest last): a registry has few files, a workspace few registries
LIMIT = 512


@lru_cache(maxsize=1)
def _salt() -> bytes:
    from .. import __version__
    from .loader import SCHEMA_PATH

    try:
        schema = SCHEMA_PATH.read_bytes()
    except OSError:
        schema = b""
    return f"contract-lsp {__version__}\0".encode() + hashlib.sha256(schema).digest()


def digest(text: str) -> str:
    """The verdict key of one contract file's text (hex)."""
    return hashlib.sha256(_salt() + text.encode("utf-8", errors="surrogatepass")).hexdigest()


class SchemaVerdicts:
    """The digests of texts known to pass the schema, read from and written to ``folder``
    (None: remember nothing)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._known: dict[str, None] = {}
        self._dirty = False
        if folder is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                for line in (folder / FILE_NAME).read_text(encoding="ascii").splitlines():
                    if len(line) == 64:
                        self._known[line] = None

    def passed(self, text: str) -> bool:
        return digest(text) in self._known

    def record(self, text: str) -> None:
        key = digest(text)
        if key not in self._known:
            self._known[key] = None
            self._dirty = True

    def save(self) -> None:
        """Write the digests (atomically, with the folder's ``.gitignore``); never raises."""
        if self.folder is None or not self._dirty:
            return
        keys = list(self._known)[-LIMIT:]
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by contract-lsp\n*\n")
            temp = self.folder / f".{FILE_NAME}.{os.getpid()}.tmp"
            temp.write_text("".join(k + "\n" for k in keys), encoding="ascii")
            os.replace(temp, self.folder / FILE_NAME)
            self._dirty = False
