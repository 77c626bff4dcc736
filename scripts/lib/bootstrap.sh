# Shared start of scripts/test.sh and scripts/demo.sh: repo root, pnpm on PATH (installed when
# missing), dependencies installed exactly as the lockfile says.
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export TURBO_TELEMETRY_DISABLED=1

step() {
  printf '\n==> %s\n' "$*"
}

# shellcheck source=ensure-pnpm.sh
source scripts/lib/ensure-pnpm.sh
# shellcheck source=system-deps.sh
source scripts/lib/system-deps.sh

bootstrap() {
  step "pnpm"
  ensure_pnpm
  echo "node $(node --version), pnpm $(pnpm --version)"

  step "install (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile
}
