"""``discover = ["protocols"]`` (SPEC §1, issue 5): the workspace's Protocols and ABCs are
protocol contracts with no YAML, so explicit subclasses that miss members get CL101.
Shapes from real code: generic Protocols, overloads, properties with setters, methods with
bodies, re-exported interfaces, ABCs through ``metaclass=ABCMeta`` and intermediate bases."""

from __future__ import annotations

import pytest

import subprocess
from pathlib import Path

from workspace_helpers import cli, write_workspace

from contract_lsp.discover import discovered_protocols
from contract_lsp.project import open_project
from contract_lsp.registry.model import CallableContract, Registry

#: every rule test runs with the fast paths on and off (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("fast_path")

DISCOVER = '[tool.contract-lsp]\ndiscover = ["protocols"]\n'

FILES = {
    "storage/__init__.py": "from .interfaces import BlobStore, Cache\n",
    "storage/interfaces.py": """
        from __future__ import annotations

        import abc
        from abc import ABC, ABCMeta, abstractmethod
        from typing import Generic, Iterator, Protocol, TypeVar, overload

        K = TypeVar("K")
        V = TypeVar("V")


        class Cache(Protocol[K, V]):
            \"\"\"A key-value cache.\"\"\"

            def get(self, key: K) -> V | None: ...

            @overload
            def set(self, key: K, value: V) -> None: ...
            @overload
            def set(self, key: K, value: V, ttl: int) -> None: ...

            @property
            def size(self) -> int: ...

            @size.setter
            def size(self, value: int) -> None: ...

            async def aclose(self) -> None:
                \"\"\"Close the cache.\"\"\"
                raise NotImplementedError

            def get_or(self, key: K, default: V) -> V:
                found = self.get(key)
                return default if found is None else found

            def _evict(self) -> None: ...

            def __len__(self) -> int: ...

            def __eq__(self, other: object) -> bool: ...


        class BlobStore(ABC):
            \"\"\"Where uploads live.\"\"\"

            @abstractmethod
            def put(self, name: str, data: bytes) -> str: ...

            @abstractmethod
            async def fetch(self, name: str) -> bytes: ...

            @property
            @abstractmethod
            def bucket(self) -> str: ...

            def url(self, name: str) -> str:
                return f"/{self.bucket}/{name}"


        class Codec(metaclass=ABCMeta):
            @abc.abstractmethod
            def encode(self, value) -> bytes: ...


        class StreamingBlobStore(BlobStore):
            @abstractmethod
            def stream(self, name: str) -> Iterator[bytes]: ...


        class NotAnInterface(Generic[K]):
            @abstractmethod
            def ignored(self): ...
    """,
    "storage/memory.py": """
        from storage import BlobStore, Cache
        from storage.interfaces import Codec, StreamingBlobStore


        class MemoryCache(Cache[str, bytes]):
            size: int = 0

            def get(self, key):
                return None

            def set(self, key, value, ttl=None):
                pass

            async def aclose(self):
                pass

            def __len__(self):
                return 0


        class HalfCache(Cache[str, str]):
            def get(self, key):
                return None


        class MemoryBlobStore(BlobStore):
            bucket = "mem"

            def put(self, name, data):
                return name

            async def fetch(self, name):
                return b""


        class SyncBlobStore(BlobStore):
            @property
            def bucket(self):
                return "sync"

            def put(self, name, data):
                return name

            def fetch(self, name):
                return b""


        class JsonCodec(Codec):
            pass


        class Streams(StreamingBlobStore):
            bucket = "s"

            def put(self, name, data):
                return name

            async def fetch(self, name):
                return b""
    """,
}




def workspace(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    ws = write_workspace(tmp_path, files or FILES)
    (ws / "pyproject.toml").write_text(DISCOVER)
    return ws


def findings(proc: subprocess.CompletedProcess) -> list[str]:
    return [line for line in proc.stdout.splitlines() if ": CL" in line]


def test_explicit_subclasses_missing_members_get_cl101_without_yaml(tmp_path):
    ws = workspace(tmp_path)
    proc = cli(ws, "--check")
    assert proc.returncode == 1, proc.stderr
    assert findings(proc) == [
        # MemoryCache conforms: 'size' as a class attribute, one 'set' for both overloads,
        # 'get_or' inherited, '__eq__' from object, '_evict' private
        "storage/memory.py:21:7: CL101 HalfCache does not implement 4 methods of Cache: 'set', 'size', 'aclose', '__len__'",
        "storage/memory.py:44:9: CL102 SyncBlobStore.fetch is sync but BlobStore declares it async",
        "storage/memory.py:48:7: CL101 JsonCodec does not implement 1 method of Codec: 'encode'",
        # BlobStore's members are defined; StreamingBlobStore adds 'stream'
        "storage/memory.py:52:7: CL101 Streams does not implement 1 method of StreamingBlobStore: 'stream'",
    ], proc.stdout


def test_what_each_discovered_contract_requires(tmp_path):
    ws = workspace(tmp_path)
    files = sorted(str(p) for p in ws.rglob("*.py"))
    project = open_project(ws, files)
    by_name = {c.name: c for c in project.registry.protocols}
    assert set(by_name) == {"Cache", "BlobStore", "Codec", "StreamingBlobStore"}  # not NotAnInterface
    assert all(c.discovered for c in by_name.values())
    cache = by_name["Cache"]
    assert cache.target == "storage.interfaces.Cache" and cache.doc == "A key-value cache."
    # get_or has a body (inherited); _evict is private; __eq__ is object's
    assert [m.name for m in cache.methods] == ["get", "set", "size", "aclose", "__len__"]
    methods = {m.name: m for m in cache.methods}
    assert [(p.name, p.required, p.type) for p in methods["set"].parameters] == [("key", True, "K"), ("value", True, "V"), ("ttl", False, "int")]
    assert methods["size"].parameters == ()  # the setter's 'value' is not a parameter of the member
    assert methods["aclose"].is_async and methods["aclose"].doc == "Close the cache."
    assert cache.mark is not None and cache.mark.path.endswith("interfaces.py") and cache.mark.line == 11
    store = by_name["BlobStore"]
    assert [(m.name, m.is_async) for m in store.methods] == [("put", False), ("fetch", True), ("bucket", False)]
    assert [m.name for m in by_name["StreamingBlobStore"].methods] == ["stream"]


def test_yaml_contract_for_the_same_class_wins(tmp_path):
    ws = workspace(tmp_path)
    (ws / "contracts").mkdir()
    (ws / "contracts" / "cache.yaml").write_text(
        "version: 1\ncontracts:\n"
        "  - name: CacheContract\n    kind: protocol\n    target: storage.Cache\n    methods:\n      - {name: get, parameters: [key]}\n"
    )
    proc = cli(ws, "--check")
    lines = findings(proc)
    assert not any("HalfCache" in line for line in lines), proc.stdout  # only 'get' is required now
    assert any("JsonCodec does not implement 1 method of Codec" in line for line in lines)


def test_same_simple_name_in_two_modules_uses_qualified_names(tmp_path):
    files = {
        "plugins/__init__.py": "",
        "plugins/a.py": "from typing import Protocol\n\n\nclass Plugin(Protocol):\n    def run(self) -> None: ...\n\n\nclass A(Plugin):\n    pass\n",
        "plugins/b.py": "from abc import ABC, abstractmethod\n\n\nclass Plugin(ABC):\n    @abstractmethod\n    def load(self): ...\n",
    }
    ws = workspace(tmp_path, files)
    project = open_project(ws, sorted(str(p) for p in ws.rglob("*.py")))
    assert sorted(c.name for c in project.registry.protocols) == ["plugins.a.Plugin", "plugins.b.Plugin"]
    proc = cli(ws, "--check")
    assert findings(proc) == ["plugins/a.py:8:7: CL101 A does not implement 1 method of plugins.a.Plugin: 'run'"]


def test_unparseable_files_are_skipped_and_registry_names_are_kept(tmp_path):
    files = {
        "svc/__init__.py": "",
        "svc/broken.py": "from typing import Protocol\nclass Broken(Protocol:\n",
        "svc/ok.py": "from typing import Protocol\n\n\nclass Sender(Protocol):\n    def send(self, msg): ...\n",
    }
    ws = workspace(tmp_path, files)
    index = open_project(ws, sorted(str(p) for p in ws.rglob("*.py"))).index
    taken = Registry([CallableContract(name="Sender", target="svc.other.Sender")])
    found = discovered_protocols(index, taken)
    assert [c.name for c in found] == ["svc.ok.Sender"]  # 'Sender' is a YAML contract's name
    proc = cli(ws, "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_without_discover_there_are_no_contracts(tmp_path):
    ws = write_workspace(tmp_path, FILES)
    proc = cli(ws, "--check")
    assert proc.returncode == 2 and "no contracts found" in proc.stderr


def test_mixin_methods_of_abcs_and_tuple_assigned_operators_are_inherited(tmp_path):
    """The shapes of ``collections.abc`` and ``numbers``: a concrete method an ABC defines
    (``Sequence.__iter__``) satisfies another ABC's abstract one; ``__add__, __radd__ =
    fallbacks(...)`` defines both operators."""
    files = {
        "coll/__init__.py": "",
        "coll/abcs.py": """
            from abc import ABC, abstractmethod


            class Iterable(ABC):
                @abstractmethod
                def __iter__(self): ...


            class Sequence(Iterable):
                @abstractmethod
                def __getitem__(self, index): ...

                def __iter__(self):
                    i = 0
                    while True:
                        yield self[i]
                        i += 1


            class Number(ABC):
                @abstractmethod
                def __add__(self, other): ...

                @abstractmethod
                def __radd__(self, other): ...
        """,
        "coll/impl.py": """
            from coll.abcs import Number, Sequence


            def fallbacks():
                return (lambda a, b: a), (lambda a, b: b)


            class Row(Sequence):
                def __getitem__(self, index):
                    return index


            class Money(Number):
                __add__, __radd__ = fallbacks()


            class Broken(Number):
                __add__ = fallbacks()[0]
        """,
    }
    ws = workspace(tmp_path, files)
    proc = cli(ws, "--check")
    assert findings(proc) == ["coll/impl.py:17:7: CL101 Broken does not implement 1 method of Number: '__radd__'"], proc.stdout
