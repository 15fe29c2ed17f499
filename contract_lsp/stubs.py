"""Method stubs for CL101's fix and for ``--extract``-style output, generated with libcst so
that the inserted code is valid Python whatever the contract's type and default texts are
(SPEC §3.2: the right ``async``, the parameters, ``raise NotImplementedError``).

libcst is imported here only, and only when a stub is actually built: the as-you-type path
never pays for it unless a class misses a method.
"""

from __future__ import annotations

from .registry.model import Method, Parameter


def _expression(text: str | None):
    import libcst as cst

    if not text:
        return None
    try:
        return cst.parse_expression(text)
    except Exception:  # free text that is not Python: leave it out of the stub
        return None


def _param(param: Parameter):
    import libcst as cst

    annotation = _expression(param.type)
    default = _expression(param.default)
    return cst.Param(
        name=cst.Name(param.name),
        annotation=cst.Annotation(annotation) if annotation is not None else None,
        default=default,
        equal=cst.AssignEqual(
            whitespace_before=cst.SimpleWhitespace(" " if annotation is not None else ""),
            whitespace_after=cst.SimpleWhitespace(" " if annotation is not None else ""),
        )
        if default is not None
        else cst.MaybeSentinel.DEFAULT,
    )


def method_stub(method: Method, indent: str = "    "):
    """A libcst ``FunctionDef`` for ``method``: ``self``, the contract's parameters in their
    kinds (``/`` and ``*`` markers as needed), return annotation, body raising
    ``NotImplementedError``."""
    import libcst as cst

    positional_only = [p for p in method.parameters if p.kind == "positional_only"]
    regular = [p for p in method.parameters if p.kind == "positional_or_keyword"]
    keyword_only = [p for p in method.parameters if p.kind == "keyword_only"]
    self_param = cst.Param(cst.Name("self"))
    # A parameter without a default may not follow one with a default: from there on,
    # such parameters become keyword-only (still accepted by name, as the contract allows).
    seen_default = False
    fixed_regular: list[Parameter] = []
    for p in regular:
        if seen_default and _expression(p.default) is None:
            keyword_only.insert(0, p)
            continue
        seen_default = seen_default or _expression(p.default) is not None
        fixed_regular.append(p)
    params = cst.Parameters(
        posonly_params=[self_param, *map(_param, positional_only)] if positional_only else [],
        params=([] if positional_only else [self_param]) + [_param(p) for p in fixed_regular],
        kwonly_params=[_param(p) for p in keyword_only],
        star_arg=cst.ParamStar() if keyword_only else cst.MaybeSentinel.DEFAULT,
    )
    returns = _expression(method.returns)
    body = cst.IndentedBlock(
        body=[cst.SimpleStatementLine([cst.Raise(exc=cst.Name("NotImplementedError"))])],
        indent=indent,
    )
    return cst.FunctionDef(
        name=cst.Name(method.name),
        params=params,
        body=body,
        returns=cst.Annotation(returns, whitespace_before_indicator=cst.SimpleWhitespace(" ")) if returns is not None else None,
        asynchronous=cst.Asynchronous() if method.is_async else None,
    )


def method_stubs(methods: list[Method], indent: str = "    ") -> str:
    """Source text of stubs for ``methods``, each line indented by ``indent`` (the class
    body's indentation), separated by blank lines, ending with a newline."""
    import libcst as cst

    module = cst.Module(body=[], default_indent=indent)
    chunks = []
    for method in methods:
        code = module.code_for_node(method_stub(method, indent))
        chunks.append("".join(indent + line if line.strip() else line for line in code.splitlines(keepends=True)))
    return "\n".join(chunks)
