#!/usr/bin/env bash
# The one command that installs and runs the demo (examples/demo, on the embedded memory provider):
#   bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export TURBO_TELEMETRY_DISABLED=1

step() {
  printf '\n==> %s\n' "$*"
}

# shellcheck source=lib/ensure-pnpm.sh
source scripts/lib/ensure-pnpm.sh

step "pnpm"
ensure_pnpm
echo "node $(node --version), pnpm $(pnpm --version)"

step "install (pnpm install --frozen-lockfile)"
pnpm install --frozen-lockfile

step "demo (pnpm demo)"
pnpm demo
