#!/usr/bin/env bash
# The one command that installs and runs the demo (examples/demo, on the embedded memory provider):
#   bash scripts/demo.sh
set -euo pipefail

# shellcheck source=lib/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap

step "demo (pnpm demo)"
pnpm demo
