#!/bin/sh
# Recreate the big benchmark tree (5,451 .py files, 85 MB of Python) used by
# bench_cache.py / bench_check.py: the unpacked wheels of six large PyPI projects, pinned.
#   sh benchmarks/make_bigtree.sh [DEST]      (default /tmp/bigtree)
set -eu
DEST=${1:-/tmp/bigtree}
PY=${PYTHON:-python3}
DL=$(mktemp -d)
"$PY" -m pip download --no-deps --only-binary :all: -d "$DL" \
    django==5.1.4 sympy==1.13.3 pandas==2.2.3 scipy==1.14.1 matplotlib==3.9.3 numpy==2.1.3
rm -rf "$DEST" && mkdir -p "$DEST"
for wheel in "$DL"/*.whl; do
    name=$(basename "$wheel" | cut -d- -f1)
    mkdir -p "$DEST/$name"
    (cd "$DEST/$name" && "$PY" -m zipfile -e "$wheel" .)
done
rm -rf "$DL"
echo "$(find "$DEST" -name '*.py' | wc -l) .py files in $DEST"
