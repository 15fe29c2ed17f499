"""The contract model: what a contract file (SPEC §2, version 1) means, as frozen dataclasses.

Nothing here reads files or knows YAML; ``registry.loader`` builds these objects, the rules
read them. Lines and columns in :class:`SourceMark` are 1-based, as users see them in a
contract file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

ParameterKind = Literal["positional_only", "positional_or_keyword", "keyword_only"]


@dataclass(frozen=True)
class SourceMark:
    """A place in a contract file: ``path`` as given, ``line`` and ``column`` 1-based."""

    path: str
    line: int
    column: int = 1


@dataclass(frozen=True)
class Parameter:
    """One parameter of a callable contract or protocol method (SPEC §2 ``parameters``)."""

    name: str
    required: bool = False
    type: str | None = None
    default: str | None = None
    doc: str | None = None
    deprecated_names: tuple[str, ...] = ()
    removed_names: tuple[str, ...] = ()
    kind: ParameterKind = "positional_or_keyword"
    mark: SourceMark | None = None
    #: release of the contract's ``package`` that introduced this name (SPEC §2, §3.1: a
    #: rename fix to it is safe only when the project's declared minimum is at least this)
    since: str | None = None
    #: releases that deprecated / removed the old names (shown in messages and on hover)
    deprecated_in: str | None = None
    removed_in: str | None = None

    @property
    def all_names(self) -> tuple[str, ...]:
        """The canonical name followed by every old name (deprecated, then removed)."""
        return (self.name, *self.deprecated_names, *self.removed_names)

    @property
    def positional(self) -> bool:
        """True when the parameter can be passed positionally."""
        return self.kind != "keyword_only"

    @property
    def keyword(self) -> bool:
        """True when the parameter can be passed by keyword."""
        return self.kind != "positional_only"


@dataclass(frozen=True)
class CallableContract:
    """A ``kind: callable`` contract. ``target`` is a dotted path; a class means its constructor."""

    name: str
    target: str
    parameters: tuple[Parameter, ...] = ()
    doc: str | None = None
    match: Literal["qualified", "name"] = "qualified"
    var_positional: bool = False
    var_keyword: bool = False
    forwards_to: str | None = None
    mark: SourceMark | None = None
    target_mark: SourceMark | None = None
    forwards_to_mark: SourceMark | None = None
    #: other import paths of the same object, matched exactly like ``target`` (SPEC §3.1)
    aliases: tuple[str, ...] = ()
    #: the distribution the target belongs to (``scikit-learn``): gates fixes by version
    package: str | None = None
    #: only the listed parameters are known: no CL001 for others, no CL004/CL005
    partial: bool = False
    kind: Literal["callable"] = "callable"

    @property
    def last_name(self) -> str:
        """The target's last dotted segment (``UserExecutionContext``)."""
        return self.target.rsplit(".", 1)[-1]

    @property
    def paths(self) -> tuple[str, ...]:
        """``target`` followed by every alias: the dotted paths a callee may resolve to."""
        return (self.target, *self.aliases)


@dataclass(frozen=True)
class Method:
    """A method a protocol contract requires (SPEC §2 ``methods``); ``self`` is never listed."""

    name: str
    parameters: tuple[Parameter, ...] = ()
    returns: str | None = None
    is_async: bool = False
    doc: str | None = None
    mark: SourceMark | None = None


@dataclass(frozen=True)
class AttributeSpec:
    """An attribute a protocol contract requires (SPEC §7 ``attributes``): present, not
    None unless ``optional``, an instance of ``type`` when that names an importable class."""

    name: str
    type: str | None = None
    optional: bool = False
    doc: str | None = None
    mark: SourceMark | None = None


@dataclass(frozen=True)
class ProtocolContract:
    """A ``kind: protocol`` contract: ``methods`` every implementation must define."""

    name: str
    target: str
    methods: tuple[Method, ...] = ()
    implementations: tuple[str, ...] = ()
    doc: str | None = None
    mark: SourceMark | None = None
    target_mark: SourceMark | None = None
    implementation_marks: tuple[SourceMark, ...] = ()
    #: True for contracts made by ``discover = ["protocols"]`` rather than read from YAML.
    discovered: bool = False
    attributes: tuple[AttributeSpec, ...] = ()
    #: other import paths of the same class, matched exactly like ``target``
    aliases: tuple[str, ...] = ()
    package: str | None = None
    kind: Literal["protocol"] = "protocol"

    @property
    def last_name(self) -> str:
        """The target's last dotted segment (``WebSocketManagerProtocol``)."""
        return self.target.rsplit(".", 1)[-1]

    @property
    def paths(self) -> tuple[str, ...]:
        """``target`` followed by every alias."""
        return (self.target, *self.aliases)


Contract = Union[CallableContract, ProtocolContract]


@dataclass(frozen=True)
class ContractFileError:
    """A CL900 problem in a contract file: where it is (1-based) and what is wrong."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: CL900 {self.message}"


@dataclass
class Registry:
    """Every contract of a workspace, and the CL900 errors met while loading them.

    ``files`` lists the contract files read (paths as found). A registry with errors still
    holds the contracts of the files that loaded; callers decide whether to use it.
    """

    contracts: list[Contract] = field(default_factory=list)
    errors: list[ContractFileError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name = {c.name: c for c in self.contracts}

    def get(self, name: str) -> Contract | None:
        """The contract called ``name``, or None."""
        return self._by_name.get(name)

    @property
    def callables(self) -> list[CallableContract]:
        return [c for c in self.contracts if isinstance(c, CallableContract)]

    @property
    def protocols(self) -> list[ProtocolContract]:
        return [c for c in self.contracts if isinstance(c, ProtocolContract)]

    def with_contracts(self, extra: list[Contract]) -> "Registry":
        """A new registry with ``extra`` added (discovered protocols); YAML names win."""
        names = {c.name for c in self.contracts}
        kept = [c for c in extra if c.name not in names]
        return Registry(self.contracts + kept, list(self.errors), list(self.files))
