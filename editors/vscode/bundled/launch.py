"""Start the contract-lsp server this extension carries (SPEC section 6), with the Python the
extension found: ``python launch.py --stdio``. The libraries are in ``libs/common`` (pure
Python, the server included) and ``libs/cpXY`` (compiled for CPython X.Y), put first on
``sys.path`` (and on PYTHONPATH, for any child process), so nothing needs installing and an
installed contract-lsp or pygls of another version cannot interfere.

``python launch.py --probe`` prints one JSON object instead: ``version``, ``executable``,
``ok`` and, when not ok, ``reason`` (too old, not CPython, a version this .vsix has no
compiled libraries for). Without --probe such a Python gets the reason on stderr and exit
status 3. This file runs on any Python (2.7 and 3.x) so that an old one can say so.
"""

# ruff: noqa: UP031 - %-formatting on purpose: an old Python must parse this file to say so
import json
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _info():
    with open(os.path.join(HERE, "server.json")) as handle:
        return json.load(handle)


def check(info):
    """(ok, reason, libs folders) for the running Python and the bundle ``info``."""
    version = "%d.%d" % sys.version_info[:2]
    minimum = tuple(info["minimum"])
    if tuple(sys.version_info[: len(minimum)]) < minimum:
        return False, "Python %s is too old: contract-lsp needs Python %s" % (platform.python_version(), info["requires_python"]), []
    if platform.python_implementation() != "CPython":
        return False, "%s is not supported: contract-lsp's compiled libraries need CPython" % platform.python_implementation(), []
    compiled = os.path.join(HERE, "libs", "cp" + version.replace(".", ""))
    if not os.path.isdir(compiled):
        return False, "this extension carries libraries for Python %s, not %s" % (", ".join(info["pythons"]), version), []
    return True, None, [compiled, os.path.join(HERE, "libs", "common")]


def main(argv):
    info = _info()
    ok, reason, libs = check(info)
    if "--probe" in argv:
        out = {"version": platform.python_version(), "executable": sys.executable, "ok": ok, "reason": reason}
        sys.stdout.write(json.dumps(out) + "\n")
        return 0
    if not ok:
        sys.stderr.write("contract-lsp: %s (%s)\n" % (reason, sys.executable))
        return 3
    sys.path[0:0] = libs
    inherited = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(libs + ([inherited] if inherited else []))
    from contract_lsp.cli.main import main as contract_lsp

    return contract_lsp(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
