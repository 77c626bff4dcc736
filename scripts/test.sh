#!/usr/bin/env bash
# The one command that installs what the tests need and runs them, on a machine with only Node.js:
#   bash scripts/test.sh
# build, type-check, lint, circular-import check, all tests, the packaging test, the examples'
# type-check and runs of examples/getting-started, examples/prisma-postgres and
# examples/prometheus-metrics. The Postgres tests and example use the local server (127.0.0.1:5432,
# database test; DATABASE_URL overrides). Installs Debian's prometheus and pgbouncer when missing
# (their tests start their own servers). Stops at the first failing step.
set -euo pipefail

# shellcheck source=lib/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/bootstrap.sh"
bootstrap
bootstrap_test_tools

step "build (pnpm build)"
pnpm build

step "type-check (pnpm typecheck)"
pnpm typecheck

step "lint (pnpm lint)"
pnpm lint

step "circular imports (pnpm cycles)"
pnpm cycles

step "tests (pnpm test)"
test_log=$(mktemp)
trap 'rm -f "$test_log"' EXIT
pnpm test 2>&1 | tee "$test_log"
summary=$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$test_log" | tail -n 1)

step "packaging test (pnpm test:pack)"
pnpm test:pack

step "examples type-check (pnpm --filter ./examples/* --if-present run typecheck)"
pnpm --filter "./examples/*" --if-present run typecheck

# docs/getting-started.md as one program: it exits non-zero if any step of the guide misbehaves.
# `pnpm build` (turbo run build over the whole workspace) built its dist/ above.
step "examples run (getting-started)"
pnpm --filter @mqkit/example-getting-started run start

# In a schema of its own, dropped afterwards: a schema left by an earlier run (perhaps of an older
# mqkit) must not decide this one.
step "examples run (prisma-postgres, on the local Postgres or DATABASE_URL)"
example_schema="mqkit_example_ci_$$"
drop_example_schema() {
  (cd examples/prisma-postgres && DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}" node -e '
    const pg = require("pg");
    const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
    c.connect().then(() => c.query(`DROP SCHEMA IF EXISTS ${process.argv[1]} CASCADE`)).finally(() => c.end());
  ' "$example_schema") || true
}
trap drop_example_schema EXIT
MQKIT_SCHEMA="$example_schema" pnpm --filter @mqkit/example-prisma-postgres run start
drop_example_schema
trap - EXIT

# A few seconds of the metrics workload: it scrapes its own /metrics and exits non-zero when the
# figures it must show are missing.
step "examples run (prometheus-metrics)"
DURATION_MS=3000 PORT=0 pnpm --filter @mqkit/example-prometheus-metrics run start

step "all steps passed"
# Last line: the test suite's count, in the plain shape CI reads.
echo "$summary"
