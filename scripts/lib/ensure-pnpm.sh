# Sourced by scripts/test.sh and scripts/demo.sh: makes `pnpm` (10) callable on PATH on a machine
# that only has Node.js. turbo and the root scripts call `pnpm` themselves, so it must be on PATH,
# not only runnable through npx.
#
# Order: pnpm already on PATH -> `npm i -g pnpm@10` -> corepack shims in a user directory ->
# a user-level npm install -> an `npx pnpm@10` shim. Only the npm registry is needed.

mqkit_pnpm_major() {
  pnpm --version 2>/dev/null | cut -d. -f1
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1; then
    if [ "$(mqkit_pnpm_major)" != "10" ]; then
      echo "warning: pnpm $(pnpm --version 2>/dev/null) found; this repo is tested with pnpm 10" >&2
    fi
    return 0
  fi

  echo "pnpm not found: installing pnpm@10 (npm i -g pnpm@10)"
  if npm i -g pnpm@10 --no-audit --no-fund && command -v pnpm >/dev/null 2>&1; then
    return 0
  fi

  local tools="${XDG_CACHE_HOME:-$HOME/.cache}/mqkit-tools"
  mkdir -p "$tools/bin"

  echo "global npm install not permitted: trying corepack (shims in $tools/bin)"
  if command -v corepack >/dev/null 2>&1 &&
    COREPACK_ENABLE_DOWNLOAD_PROMPT=0 corepack enable --install-directory "$tools/bin" pnpm &&
    PATH="$tools/bin:$PATH" COREPACK_ENABLE_DOWNLOAD_PROMPT=0 pnpm --version >/dev/null 2>&1; then
    export PATH="$tools/bin:$PATH" COREPACK_ENABLE_DOWNLOAD_PROMPT=0
    return 0
  fi

  echo "corepack unavailable: installing pnpm@10 under $tools"
  if npm install --prefix "$tools" --no-audit --no-fund --no-save pnpm@10 >/dev/null &&
    [ -x "$tools/node_modules/.bin/pnpm" ]; then
    export PATH="$tools/node_modules/.bin:$PATH"
    return 0
  fi

  echo "falling back to npx pnpm@10"
  printf '#!/bin/sh\nexec npx --yes pnpm@10 "$@"\n' >"$tools/bin/pnpm"
  chmod +x "$tools/bin/pnpm"
  export PATH="$tools/bin:$PATH"
  if ! pnpm --version >/dev/null; then
    echo "error: could not install pnpm 10 (npm i -g, corepack, npm --prefix and npx all failed)." >&2
    echo "Install it yourself (https://pnpm.io/installation) and run this script again." >&2
    return 1
  fi
}
