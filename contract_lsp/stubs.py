"""Method stubs for CL101's fix and for ``--extract``-style output, generated with libcst so
that the inserted code is valid Python whatever the contract's type and default texts are
(SPEC §3.2: the right ``async``, the parameters, ``raise NotImplementedError``).

libcst is imported here only, and only when a stub is actually built: the as-you-type path
never pays for it unless a class misses a method.

:func:`stub_edits` places the stubs in a class (issue 15): a one-line body
(``class One(P): pass``) is first broken onto its own line, the stubs follow the class
body's own indentation (tabs stay tabs) and the file's line endings (CRLF stays CRLF), and
the class with its stubs is parsed with ``ast`` before the fix is offered: no fix rather
than one that does not parse.
"""

from __future__ import annotations

import ast
import re

from .findings import Position, Range, TextEdit
from .registry.model import Method, Parameter
from .text import LineIndex


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


def method_stubs(methods: list[Method], indent: str = "    ", newline: str = "\n", unit: str | None = None) -> str:
    """Source text of stubs for ``methods``, each line indented by ``indent`` (the class
    body's indentation), each stub's body by ``unit`` more (default: ``indent`` again),
    lines ended by ``newline``, separated by blank lines, ending with a newline."""
    import libcst as cst

    unit = indent if unit is None else unit
    module = cst.Module(body=[], default_indent=unit, default_newline=newline)
    chunks = []
    for method in methods:
        code = module.code_for_node(method_stub(method, unit))
        chunks.append("".join(indent + line if line.strip() else line for line in code.splitlines(keepends=True)))
    return newline.join(chunks)


_LEADING = re.compile(r"[ \t\f]*")


def _find_class(nodes, line: int, name: str) -> ast.ClassDef | None:
    """The ``class name`` statement whose ``class`` keyword is on 1-based ``line``, among
    ``nodes`` and the statements nested in them (only those whose lines hold ``line`` are
    entered: the cost is the depth times the siblings, not the file)."""
    for node in nodes:
        if isinstance(node, ast.match_case):
            found = _find_class(node.body, line, name)
        elif isinstance(node, (ast.stmt, ast.excepthandler)):
            if node.lineno > line or (node.end_lineno or node.lineno) < line:
                continue
            if isinstance(node, ast.ClassDef) and node.lineno == line and node.name == name:
                return node
            found = _find_class(list(ast.iter_child_nodes(node)), line, name)
        else:
            continue
        if found is not None:
            return found
    return None


def _line_ending(source: str) -> str:
    """The line break the file uses: its first one (files with mixed endings are rare),
    else ``\n``."""
    if "\r" not in source:
        return "\n"
    match = re.search(r"\r\n|\r|\n", source)
    return match.group() if match else "\n"


def stub_edits(source: str, lines: LineIndex, tree: ast.Module, class_line: int, class_name: str, methods: list[Method]) -> tuple[TextEdit, ...] | None:
    """The edits that add stubs for ``methods`` (:func:`method_stubs`) to the class
    ``class_name`` whose ``class`` keyword is on 1-based ``class_line`` of ``source``
    (``lines`` its :class:`~contract_lsp.text.LineIndex`, ``tree`` its parse). Positions of
    the edits are 0-based lines and code-point columns (SPEC §3.2, CL101's unsafe fix).

    The stubs go after the class's last line, a blank line before each, indented as the
    class body's first statement is; a body on the ``class`` line is first moved to a line
    of its own (the class's indentation plus a tab, or four spaces). New lines end as the
    file's do. The source text is never copied into an edit (only whitespace is replaced),
    so this also holds for a tree and text rewritten from newer syntax
    (:mod:`contract_lsp.newer_grammar`). None when the class is not found or the class
    with its stubs would not parse (checked with ``ast`` on the class's own lines)."""
    node = _find_class(tree.body, class_line, class_name)
    if node is None or not node.body or not methods:
        return None
    first = node.body[0]
    end0 = (node.end_lineno or node.lineno) - 1
    class_indent = _LEADING.match(lines.line(node.lineno - 1)).group()
    first_line = lines.line(first.lineno - 1)
    first_col = lines.char_column(first.lineno, first.col_offset)
    before_first = first_line[:first_col]
    eol = _line_ending(source)
    edits: list[TextEdit] = []
    if before_first.strip():  # ``class One(P): pass``: the body starts on the header's line
        unit = "\t" if "\t" in class_indent or (not class_indent and "\n\t" in source) else "    "
        body_indent = class_indent + unit
        colon = len(before_first.rstrip())
        line0 = first.lineno - 1
        edits.append(TextEdit(Range(Position(line0, colon), Position(line0, first_col)), eol + body_indent))
    else:
        body_indent = before_first
        unit = body_indent[len(class_indent):] if body_indent.startswith(class_indent) and len(body_indent) > len(class_indent) else body_indent
    stubs = method_stubs(methods, indent=body_indent, newline=eol, unit=unit)
    end_char = len(lines.line(end0))
    edits.append(TextEdit(Range(Position(end0, end_char), Position(end0, end_char)), eol + eol + stubs.rstrip("\r\n")))
    if not _parses(lines, node.lineno - 1, end0, class_indent, edits):
        return None
    return tuple(edits)


def _parses(lines: LineIndex, start0: int, end0: int, class_indent: str, edits: list[TextEdit]) -> bool:
    """Whether the class on 0-based lines ``start0``..``end0``, with ``edits`` (on those
    lines) applied, parses: alone when it starts at column 0, else under an ``if 1:`` (any
    deeper indentation is valid there), so the check costs the class, not the file."""
    from .fixes import apply_edits

    segment = "\n".join(lines.lines[start0 : end0 + 1])
    shifted = [TextEdit(Range(Position(e.range.start.line - start0, e.range.start.character), Position(e.range.end.line - start0, e.range.end.character)), e.new_text) for e in edits]
    text = apply_edits(segment, shifted) + "\n"
    if class_indent:
        text = "if 1:\n" + text
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
