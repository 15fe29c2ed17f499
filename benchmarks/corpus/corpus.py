"""Re-create the real-code corpus and score the bundled packs against its hand-built oracle.

The trees are public repositories at fixed commits (``recipe.json``); nothing fetched is
stored in this repository. They are exported from local git mirrors, laid out as
``<mirrors>/<owner>+<name>/repo`` (what the session's fetch tool produces); where a mirror is
missing the entry is skipped and said so.

Commands (``python benchmarks/corpus/corpus.py CMD [--mirrors DIR] [--out DIR] [REPO ...]``):

- ``export``: write each commit's tree to ``<out>/<owner>__<name>`` (blobs the mirror lacks,
  e.g. files over its size limit, are left out and listed).
- ``check``: export, run ``contract-lsp --check --format json`` with every bundled pack and no
  registry of our own, and compare with the oracle. Prints one JSON object per repository:
  oracle sites, found, missed (known misses apart), false findings. Exit 1 when a site is
  missed that the recipe does not mark ``known_miss``, or on any false finding.
- ``fixcmp``: for entries with ``fix_commits``: copy the tree, declare the version floor the
  recipe gives (``floor``), run ``--fix``, and compare every line the maintainers changed that
  held an oracle keyword with our edit of the same line; also report edits of ours that the
  maintainers did not make, and whether notebooks kept their outputs and metadata.

Positions in the oracle are 1-based (line, column of the keyword; ``cell`` 1-based over all
cells), as in the JSON output (SPEC §4, §3.5).
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECIPE = HERE / "recipe.json"
DEFAULT_MIRRORS = Path("/work/.mirror")
DEFAULT_OUT = Path("/tmp/corpus")


def load_recipe() -> dict:
    """The parsed recipe.json."""
    return json.loads(RECIPE.read_text(encoding="utf-8"))


def slug(repo: str) -> str:
    """'owner/name' -> 'owner__name' (the tree's folder name)."""
    return repo.replace("/", "__")


def git_dir(mirrors: Path, repo: str) -> Path:
    """Where the fetch tool puts the mirror of 'owner/name'."""
    return mirrors / repo.replace("/", "+") / "repo"


def git(gdir: Path, *args: str, binary: bool = False):
    """Run git against a bare mirror; returns stdout (bytes if binary). Raises on failure."""
    out = subprocess.run(
        ["git", f"--git-dir={gdir}", *args], check=True, capture_output=True
    )
    return out.stdout if binary else out.stdout.decode("utf-8", "replace")


def export(gdir: Path, commit: str, dest: Path) -> list[str]:
    """Write `commit`'s tree to `dest` (replacing it). Returns the paths left out because the
    mirror lacks their blob (a snapshot omits files of 4 MiB and more)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    blobs = []
    for row in filter(None, git(gdir, "ls-tree", "-r", "-z", commit).split("\0")):
        meta, path = row.split("\t", 1)
        _mode, kind, sha = meta.split()
        if kind == "blob":  # not submodules
            blobs.append((sha, path))
    # One batch query says which blobs the mirror holds ("<sha> missing" for the others).
    answer = subprocess.run(
        ["git", f"--git-dir={gdir}", "cat-file", "--batch-check"],
        input="".join(f"{sha}\n" for sha, _ in blobs),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    present = [
        path for (_, path), line in zip(blobs, answer) if not line.endswith(" missing")
    ]
    missing = [
        path for (_, path), line in zip(blobs, answer) if line.endswith(" missing")
    ]
    if present:
        # One archive call for the whole list (xargs-like chunks keep argv small).
        for i in range(0, len(present), 500):
            data = git(
                gdir,
                "archive",
                "--format=tar",
                commit,
                "--",
                *present[i : i + 500],
                binary=True,
            )
            with tarfile.open(fileobj=io.BytesIO(data)) as tar:
                tar.extractall(dest, filter="data")
    return missing


def contract_lsp() -> str:
    """The contract-lsp console script next to this interpreter (the project's venv)."""
    exe = Path(sys.executable).with_name("contract-lsp")
    return str(exe) if exe.exists() else "contract-lsp"


def run_check(tree: Path, packs: list[str], *extra: str) -> subprocess.CompletedProcess:
    """Run the checker on `tree` (as the workspace root) with the given packs only."""
    args = [contract_lsp(), "--check", "--no-cache", *extra]
    for pack in packs:
        args += ["--pack", pack]
    return subprocess.run(
        [*args, "."], cwd=tree, capture_output=True, text=True, check=False
    )


def _key(site: dict) -> tuple:
    return (site["path"], site.get("cell"), site["line"], site["column"], site["code"])


def score(entry: dict, findings: list[dict]) -> dict:
    """Compare findings with the entry's oracle. Returns counts and the differing sites."""
    oracle = {_key(s): s for s in entry["oracle"]}
    got = {_key(f): f for f in findings}
    missed = [oracle[k] for k in oracle if k not in got]
    return {
        "repo": entry["repo"],
        "commit": entry["commit"][:12],
        "oracle": len(oracle),
        "found": sum(1 for k in oracle if k in got),
        "missed": [dict(s) for s in missed],
        "unexpected_missed": [s for s in missed if not s.get("known_miss")],
        "false": [got[k] for k in got if k not in oracle],
    }


def apply_floor(tree: Path, gdir: Path, floors: list[dict]) -> None:
    """Declare the version floor a recipe entry gives (see recipe.json `floor`)."""
    for floor in floors:
        target = tree / floor["file"]
        if "write" in floor:
            target.write_text(floor["write"], encoding="utf-8")
        elif "from_commit" in floor:
            target.write_bytes(
                git(
                    gdir, "show", f"{floor['from_commit']}:{floor['file']}", binary=True
                )
            )
        else:
            old, new = floor["replace"]
            text = target.read_text(encoding="utf-8")
            if old not in text:
                raise ValueError(f"{floor['file']}: {old!r} not found")
            target.write_text(text.replace(old, new, 1), encoding="utf-8")


def maintainer_pairs(
    gdir: Path, fix: str, keywords: set[str]
) -> list[tuple[str, str, str | None]]:
    """(path, removed line, the added line most like it or None) for every line the fix
    commit removed that passes one of `keywords` (`kw=` / `kw =`)."""
    pat = re.compile(r"\b(" + "|".join(map(re.escape, sorted(keywords))) + r")\s*=")
    pairs = []
    diff = git(gdir, "diff", "--no-color", "-U0", f"{fix}^", fix)
    path, removed, added = None, [], []

    def flush():
        for old in removed:
            if pat.search(old):
                close = difflib.get_close_matches(old, added, n=1, cutoff=0.6)
                pairs.append((path, old, close[0] if close else None))

    for line in diff.splitlines():
        if line.startswith("diff --git "):
            flush()  # the previous file's last hunk belongs to the previous path
            removed, added = [], []
        elif line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
        elif line.startswith("@@"):
            flush()
            removed, added = [], []
        elif line.startswith("-") and not line.startswith("--- "):
            removed.append(line[1:])
        elif line.startswith("+") and not line.startswith("+++ "):
            added.append(line[1:])
    flush()
    return pairs


def _markdown_lines(path: Path) -> set[str]:
    """The JSON-encoded source strings of a notebook's markdown cells, as they appear on the
    raw lines of an nbformat file (one string per line)."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    out = set()
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            src = cell.get("source", [])
            out.update(
                json.dumps(x, ensure_ascii=False)
                for x in ([src] if isinstance(src, str) else src)
            )
    return out


def _notebook_intact(before: Path, after: Path) -> bool:
    """True when only code-cell sources differ between two notebooks (outputs, metadata,
    execution counts and markdown untouched)."""
    a, b = (
        json.loads(before.read_text(encoding="utf-8")),
        json.loads(after.read_text(encoding="utf-8")),
    )
    for nb in (a, b):
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell.pop("source", None)
    return a == b


def fixcmp(entry: dict, tree: Path, gdir: Path, packs: list[str]) -> dict:
    """Run --fix on a copy of `tree` with the recipe's floor and compare with the fix commits."""
    work = tree.with_name(tree.name + ".fixed")
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(tree, work)
    apply_floor(work, gdir, entry.get("floor", []))
    run = run_check(work, packs, "--fix", "--exit-zero")
    keywords = {s["keyword"] for s in entry["oracle"]}
    rows, ours_changed = [], {}
    for rel in {s["path"] for s in entry["oracle"]}:
        old = (tree / rel).read_text(encoding="utf-8").splitlines()
        new = (work / rel).read_text(encoding="utf-8").splitlines()
        ours_changed[rel] = {i for i, (x, y) in enumerate(zip(old, new)) if x != y} | (
            {-1} if len(old) != len(new) else set()
        )
    matched_lines: dict[str, set[int]] = {}
    for fix in entry["fix_commits"]:
        for rel, removed, added in maintainer_pairs(gdir, fix, keywords):
            if rel not in ours_changed:
                continue
            old = (tree / rel).read_text(encoding="utf-8").splitlines()
            new = (work / rel).read_text(encoding="utf-8").splitlines()
            if rel.endswith(".ipynb") and removed.strip().rstrip(
                ","
            ) in _markdown_lines(tree / rel):
                continue  # prose in a markdown cell: not code, never a call site
            try:
                # Identical lines (two Signal(providing_args=[ ...) pair with successive occurrences.
                used = matched_lines.get(rel, set())
                idx = next(
                    i for i, text in enumerate(old) if text == removed and i not in used
                )
            except StopIteration:
                rows.append(
                    {
                        "path": rel,
                        "maintainers": added,
                        "ours": None,
                        "match": False,
                        "note": "line not in the checked commit",
                    }
                )
                continue
            matched_lines.setdefault(rel, set()).add(idx)
            rows.append(
                {
                    "path": rel,
                    "line": idx + 1,
                    "before": removed.strip(),
                    "maintainers": None if added is None else added.strip(),
                    "ours": new[idx].strip(),
                    "match": added is not None and new[idx] == added,
                }
            )
    extra = {
        rel: sorted(i + 1 for i in lines - matched_lines.get(rel, set()))
        for rel, lines in ours_changed.items()
        if lines - matched_lines.get(rel, set())
    }
    notebooks = {
        rel: _notebook_intact(tree / rel, work / rel)
        for rel in ours_changed
        if rel.endswith(".ipynb") and ours_changed[rel]
    }
    return {
        "repo": entry["repo"],
        "fix_kind": entry.get("fix_kind"),
        "lines": rows,
        "all_match": bool(rows) and all(r["match"] for r in rows),
        "our_extra_edits": extra,
        "notebooks_intact": notebooks,
        "checker_stderr": run.stderr.strip()[-500:],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["export", "check", "fixcmp"])
    parser.add_argument(
        "repos", nargs="*", help="owner/name entries to run (default: all)"
    )
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ns = parser.parse_intermixed_args(argv)
    recipe = load_recipe()
    packs = recipe["packs"]
    failed = False
    for entry in recipe["repos"]:
        if ns.repos and entry["repo"] not in ns.repos:
            continue
        gdir = git_dir(ns.mirrors, entry["repo"])
        if not gdir.is_dir():
            print(
                json.dumps({"repo": entry["repo"], "skipped": f"no mirror at {gdir}"})
            )
            continue
        tree = ns.out / slug(entry["repo"])
        missing = export(gdir, entry["commit"], tree)
        if ns.command == "export":
            print(
                json.dumps(
                    {"repo": entry["repo"], "tree": str(tree), "left_out": missing}
                )
            )
        elif ns.command == "check":
            run = run_check(tree, packs, "--format", "json")
            if run.returncode not in (0, 1):
                print(json.dumps({"repo": entry["repo"], "error": run.stderr[-2000:]}))
                failed = True
                continue
            result = score(entry, json.loads(run.stdout or "[]"))
            failed |= bool(result["unexpected_missed"] or result["false"])
            print(json.dumps(result))
        elif entry.get("fix_commits"):
            print(json.dumps(fixcmp(entry, tree, gdir, packs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
