"""contract-lsp: a language server and checker for Python interface contracts.

The package is laid out along the data flow (see ``shared/STYLE.md``)::

    registry/  YAML contract files -> Registry (the contract model), CL900 errors
    index/     Python sources -> module names, bindings, classes, signatures
    rules/     (source, registry, index) -> findings, one module per rule family
    engine.py  the one entry point both front ends call
    cli/       the headless front end (``contract-lsp --check``)
    server/    the pygls language server front end
"""

__version__ = "0.1.0"
