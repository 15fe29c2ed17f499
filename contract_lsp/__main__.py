"""``python -m contract_lsp``: the same as the ``contract-lsp`` command."""

from contract_lsp.cli.main import main

raise SystemExit(main())
