#!/usr/bin/env bash
# Installs code-server (VS Code in the browser) once into a cache folder outside the package, under Node 24.
# The extension-host and UI test suites run VS Code through it. Usage: scripts/install-code-server.sh
set -euo pipefail
version="${CODE_SERVER_VERSION:-4.139.1}"
cache="${XCOM_LENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/xcom-lens}"
dir="$cache/code-server-$version"
bin="$dir/node_modules/.bin/code-server"
if [ -x "$bin" ] && [ -f "$dir/.complete" ]; then
  echo "$bin"
  exit 0
fi
here="$(cd "$(dirname "$0")/.." && pwd)"
node24="$here/node_modules/.bin/node"
[ -x "$node24" ] || { echo "Node 24 is missing: run 'npm install' in $here first." >&2; exit 1; }
# The `node` package keeps the platform build (binary and C headers) in a nested node-<os>-<arch> package.
node_root="$here/node_modules/node/node_modules/node-$("$node24" -p 'process.platform + "-" + process.arch')"
[ -d "$node_root/include/node" ] || { echo "Node 24 headers not found under $here/node_modules/node." >&2; exit 1; }
major="$("$node24" -p 'process.versions.node.split(".")[0]')"
[ "$major" = 24 ] || { echo "code-server $version needs Node 24, found $major." >&2; exit 1; }
echo "Installing code-server $version into $dir (about 3 minutes, once)..." >&2
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"name":"xcom-lens-code-server","private":true}' > "$dir/package.json"
PATH="$node_root/bin:$PATH" npm_config_nodedir="$node_root" \
  npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "code-server@$version" >&2
touch "$dir/.complete"
echo "$bin"
