"""Generate contract_lsp/packs/*.yaml from pack_spec.py, with aliases from ../verify_aliases.py run in
a throwaway venv (every public import path, verified by importing the library):
    PACK_VENV_PYTHON=/tmp/packvenv/bin/python python3 tests/packs/data/generate_packs.py [pack ...]"""
import json, os, subprocess, sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from pack_spec import PACKS
OUT = str(HERE.parents[2] / "contract_lsp" / "packs")
VENV = os.environ.get("PACK_VENV_PYTHON", "/tmp/packvenv/bin/python")  # a venv with the libraries installed
ALIASES = str(HERE.parent / "verify_aliases.py")
DIST = {"scikit-learn": "scikit-learn", "pandas": "pandas", "numpy": "numpy", "matplotlib": "matplotlib", "scipy": "scipy", "urllib3": "urllib3", "django": "Django", "pydantic": "pydantic"}
only = sys.argv[1:] or list(PACKS)
#: import paths that are incidental imports of another module but common in real code
#: (checked: `requests.adapters.Retry is urllib3.util.retry.Retry` in the venv)
EXTRA = {"urllib3.util.retry.Retry": ["requests.adapters.Retry"]}
report = {}
for pack in only:
    roots, entries = PACKS[pack]
    targets = [e[1] for e in entries]
    res = subprocess.run([VENV, ALIASES, roots, *targets], capture_output=True, text=True, timeout=1200)
    data = json.loads(res.stdout.split("@@JSON@@")[-1])
    if data["missing"]:
        print(pack, "MISSING", data["missing"], file=sys.stderr)
    versions = subprocess.run([VENV, "-c", "import importlib.metadata as m,sys; print(' '.join(f'{d} {m.version(d)}' for d in sys.argv[1:]))", *[DIST[pack]] + (["requests"] if pack == "urllib3" else [])], capture_output=True, text=True).stdout.strip()
    dist = DIST[pack]
    lines = [
        f"# contract-lsp pack: {dist} (SPEC §2.1). Keyword renames and removals that {dist}'s own",
        "# changelog or source documents; each entry cites its release and source (row numbers refer to",
        "# the verified list the entries were taken from; docs/packs.md lists them all).",
        "# Contracts are partial: only the listed parameters are known. A rename that is not 1:1, or a",
        "# removal, is listed as a parameter with deprecated_in / removed_in and no old names: reported,",
        "# never fixed. Aliases: every public import path of the object (and its defining module),",
        f"# found by importing every public module of {roots} ({versions}) in a throwaway venv",
        "# and comparing objects by identity (tests/packs/verify_aliases.py).",
        "version: 1",
        "contracts:",
    ]
    for name, target, match, source, params in entries:
        found = data["found"].get(target, [])
        aliases = [a for a in found if a != target] + [a for a in EXTRA.get(target, ()) if a not in found]
        if target not in found and found:
            print(pack, "target not among its own paths", target, found[:3], file=sys.stderr)
        lines.append(f"  # {source}")
        lines.append(f"  - name: {target}")
        lines.append("    kind: callable")
        lines.append(f"    target: {target}")
        if aliases:
            lines.append("    aliases:")
            lines.extend(f"      - {a}" for a in aliases)
        lines.append(f"    package: {dist}")
        if match == "name":
            lines.append("    match: name")
        lines.append("    partial: true")
        lines.append("    parameters:")
        for p in params:
            parts = [f"name: {p['name']}"]
            if "since" in p:
                parts.append(f'since: "{p["since"]}"')
            for k in ("deprecated_names", "removed_names"):
                if k in p:
                    parts.append(f"{k}: [{', '.join(p[k])}]")
            for k in ("deprecated_in", "removed_in"):
                if p.get(k):
                    parts.append(f'{k}: "{p[k]}"')
            if "doc" in p:
                parts.append("doc: " + json.dumps(p["doc"]))
            lines.append("      - {" + ", ".join(parts) + "}")
    open(f"{OUT}/{pack}.yaml", "w").write("\n".join(lines) + "\n")
    report[pack] = {t: len(data["found"].get(t, [])) for t in targets}
    print(pack, "done", sum(report[pack].values()), "paths", file=sys.stderr)
print(json.dumps(report, indent=1))
