# Sourced by scripts/lib/bootstrap.sh: installs the system tools some tests need, from Debian's
# packages, when they are missing (CI starts from a fresh clone on a machine that may lack them).
# Quiet unless an install fails; never fails the caller: without apt or root it says what is
# missing, and the tests that need the tool report themselves as skipped with the reason. Never
# starts a service: a policy-rc.d keeps a package's postinst from starting its daemon.
# shellcheck shell=bash

# ensure_tool <path or command> <debian package> <what needs it>
ensure_tool() {
  local tool=$1 package=$2 why=$3
  if [ -x "$tool" ] || command -v "$tool" >/dev/null 2>&1; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: $tool not found and apt-get is not available: $why will be skipped (install $package yourself)"
    return 0
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "note: $tool not found and not running as root (apt-get install needs it): $why will be skipped (sudo apt-get install $package)"
    return 0
  fi
  local log policy_made=''
  log=$(mktemp)
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_made=1
  fi
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >"$log" 2>&1 ||
    { apt-get update -qq >>"$log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >>"$log" 2>&1; }; then
    echo "installed $package (for $why)"
  else
    echo "warning: could not install $package: $why will be skipped. apt said:" >&2
    tail -n 20 "$log" | sed 's/^/  /' >&2
  fi
  [ -n "$policy_made" ] && rm -f /usr/sbin/policy-rc.d
  rm -f "$log"
  return 0
}

# What the tests need beyond Node packages (scripts/test.sh).
bootstrap_test_tools() {
  step "test tools from Debian (prometheus, pgbouncer)"
  ensure_tool /usr/bin/promtool prometheus "@mqkit/prometheus's promtool and end-to-end tests"
  ensure_tool /usr/sbin/pgbouncer pgbouncer "the @mqkit/prisma PgBouncer test"
}
