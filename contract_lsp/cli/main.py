"""``contract-lsp``: argument parsing and dispatch (SPEC §4).

Exit status: 0 no findings, 1 findings, 2 usage error / missing path / invalid contract file.
Only what the chosen mode needs is imported, so ``--check`` starts fast.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys

from .. import __version__

#: Options other than the mode flags, and the modes that read them (SPEC §4). Given with
#: another mode (the language server's included: it takes its settings from
#: ``pyproject.toml`` and the client) an option would be silently ignored: a usage error.
_READ_BY = {
    **dict.fromkeys(("fix", "unsafe_fixes", "diff", "strict", "exit_zero", "statistics", "no_progress", "jobs", "stdin_filename"), ("check",)),
    **dict.fromkeys(("format", "select", "ignore"), ("check", "diff-contracts", "impact")),
    "contracts": ("check", "extract", "diff-contracts", "impact", "verify"),
    "pack": ("check", "impact", "verify"),
    **dict.fromkeys(("no_cache", "cache_dir"), ("check",)),  # (cache)
}


def _codes(value: str) -> list[str]:
    """One ``--select`` / ``--ignore`` value: comma-separated codes or prefixes, upper-cased.
    Raises ArgumentTypeError (exit 2) naming an entry that matches no code (SPEC §4)."""
    from ..config import unknown_code_message, unknown_codes

    entries = [c.strip() for c in value.split(",") if c.strip()]
    bad = unknown_codes(entries)
    if bad:
        raise argparse.ArgumentTypeError(unknown_code_message(bad[0]))
    return [c.upper() for c in entries]


#: Set to 1 to print the traceback of an internal error (as ``--verbose`` does).
TRACEBACK_ENV = "CONTRACT_LSP_TRACEBACK"


class _Parser(argparse.ArgumentParser):
    """argparse as SPEC §4 wants it: options are never abbreviated (``--chec`` is a usage
    error) and an unknown option gets a "did you mean" from the known ones (difflib)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_abbrev=False, **kwargs)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            noun = "argument" if len(extras) == 1 else "arguments"
            self.error(f"unrecognized {noun}: {' '.join(extras)}{self._suggestion(extras)}")
        return namespace

    def _suggestion(self, extras: list[str]) -> str:
        """`` (did you mean --check?)`` for the first unknown option close to a known one."""
        known = [o for action in self._actions if action.help != argparse.SUPPRESS for o in action.option_strings]
        for extra in extras:
            if extra.startswith("-"):
                typed = extra.split("=", 1)[0]
                # an abbreviation means the one option it starts; a typo, the closest one
                close = [o for o in known if o.startswith(typed)]
                if len(close) != 1:
                    close = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
                if close:
                    return f" (did you mean {close[0]}?)"
        return ""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="contract-lsp",
        description="Language server and checker for Python interface contracts.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--stdio", action="store_true", help="run the language server on stdin/stdout (the default)")
    mode.add_argument("--tcp", action="store_true", help="run the language server on a loopback socket")
    mode.add_argument("--check", action="store_true", help="check files and folders headlessly")
    mode.add_argument("--extract", nargs="+", metavar="QUALNAME", help="print YAML contracts generated from definitions")
    mode.add_argument("--diff-contracts", metavar="REV", help="compare the registry at git REV with the working tree")
    mode.add_argument("--impact", metavar="NAME", help="list every call site and implementation of a contract")
    mode.add_argument("-V", "--version", action="store_true", help="print the version")
    mode.add_argument("--list-packs", action="store_true", help="list the bundled packs: distribution, releases covered, contracts")
    mode.add_argument("--verify", action="store_true", help="check the registry against the installed code (imports it)")
    parser.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=2087, help="port for --tcp")
    parser.add_argument("paths", nargs="*", help="files or folders to check (default: the workspace)")
    parser.add_argument("--contracts", action="append", default=None, metavar="PATH", help="registry location (repeatable)")
    parser.add_argument("--pack", action="append", default=None, metavar="NAME", help="add a bundled pack by distribution name, or auto (repeatable)")
    parser.add_argument(
        "--format",
        default=None,  # "text" once the mode is known to read it: see _mode
        choices=["text", "json", "sarif", "github", "gitlab", "junit"],
        help="output format (default: text)",
    )
    # repeats add up, as in ruff: `--ignore CL001 --ignore CL002` ignores both
    parser.add_argument("--select", type=_codes, action="extend", default=None, metavar="CODES", help="comma-separated codes or prefixes (repeatable)")
    parser.add_argument("--ignore", type=_codes, action="extend", default=None, metavar="CODES", help="comma-separated codes or prefixes (repeatable)")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes in place")
    parser.add_argument("--unsafe-fixes", action="store_true", help="let --fix / --diff apply unsafe fixes too")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a unified diff, change nothing")
    parser.add_argument("--strict", action="store_true", help="also report CL202 (targets not found)")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument("--statistics", action="store_true", help="one line per code with its count")
    parser.add_argument("--stdin-filename", metavar="PATH", help="with the path -: check standard input as if it were PATH")
    parser.add_argument("--verbose", action="store_true", help=f"print the traceback of an internal error (or set {TRACEBACK_ENV}=1)")
    parser.add_argument("--no-cache", action="store_true", help="run without the cache (SPEC §4)")
    parser.add_argument("--cache-dir", default=None, metavar="DIR", help="keep the cache in DIR (default: .contract-lsp-cache at the workspace root; or CONTRACT_LSP_CACHE_DIR)")
    parser.add_argument("--no-progress", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (SPEC §4). An internal error (a bug)
    is 2 with one line on stderr, never 1 (which means findings): see
    :func:`_internal_error`."""
    try:
        return _main(argv)
    except BrokenPipeError:  # `contract-lsp --check | head`: the reader left; so do we
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: any bug at all
        return _internal_error(exc, sys.argv[1:] if argv is None else argv)


def _internal_error(exc: BaseException, argv: list[str]) -> int:
    """Print one line naming ``exc`` and asking for a report (the traceback before it with
    ``--verbose`` or ``CONTRACT_LSP_TRACEBACK=1``); returns 2 (SPEC §4)."""
    verbose = "--verbose" in argv or os.environ.get(TRACEBACK_ENV, "") not in ("", "0")
    if verbose:
        import traceback

        traceback.print_exception(exc)
    detail = str(exc).strip().splitlines()
    what = f"{type(exc).__name__}: {detail[0]}" if detail else type(exc).__name__
    how = "" if verbose else f" (--verbose or {TRACEBACK_ENV}=1 prints the traceback)"
    print(
        f"contract-lsp {__version__}: internal error: {what}. This is a bug in contract-lsp: "
        f"please report it with the command line that caused it{how}.",
        file=sys.stderr,
    )
    return 2


def _mode(parser: argparse.ArgumentParser, args: argparse.Namespace) -> str:
    """The chosen mode (``check``, ``extract``, ``diff-contracts``, ``impact``, ``version``
    or ``server``). Exits 2 through ``parser.error`` when an option is given that the mode
    does not read (see :data:`_READ_BY`)."""
    modes = {"check": args.check, "extract": args.extract, "diff-contracts": args.diff_contracts, "impact": args.impact, "version": args.version, "list-packs": args.list_packs, "verify": args.verify}
    mode = next((name for name, value in modes.items() if value is not None and value is not False), "server")
    for dest, readers in _READ_BY.items():
        value = getattr(args, dest)
        if value is not None and value is not False and mode not in readers:
            flags = [f"--{m}" for m in readers]
            accepted = flags[0] if len(flags) == 1 else f"{', '.join(flags[:-1])} or {flags[-1]}"
            parser.error(f"--{dest.replace('_', '-')} is only accepted with {accepted}")
    if args.format is None:
        args.format = "text"
    if args.statistics and args.format not in ("text", "json"):  # (reliability) no per-code shape
        parser.error(f"--statistics prints text or json, not --format {args.format}")
    return mode


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    mode = _mode(parser, args)
    if mode == "list-packs":
        from .packs import run_list_packs

        return run_list_packs(args)
    if mode == "version":
        print(f"contract-lsp {__version__}")
        return 0
    if mode == "verify":
        from .verify import run_verify

        return run_verify(args)
    if mode == "check" and (args.stdin_filename is not None or "-" in args.paths):
        from .stdin import run_stdin

        return run_stdin(parser, args)
    if mode == "check":
        from .check import run_check

        return run_check(args)
    if mode == "extract":
        from .evolution import run_extract

        return run_extract(args)
    if mode == "diff-contracts":
        from .evolution import run_diff_contracts

        return run_diff_contracts(args)
    if mode == "impact":
        from .evolution import run_impact

        return run_impact(args)
    if args.paths:
        parser.error("paths are only accepted with --check")
    from ..server.app import serve

    try:
        serve(tcp=args.tcp, host=args.host, port=args.port)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
