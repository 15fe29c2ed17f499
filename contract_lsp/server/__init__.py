"""The language server (SPEC §5): pygls wiring over the same engine as the CLI.

One module per feature: ``diagnostics``, ``code_actions``, ``hover``, ``completion``,
``watched_files``; ``session`` holds the workspaces and open documents; ``positions`` is
the one place where our code-point columns meet the client's position encoding.
"""
