# Sourced by scripts/lib/bootstrap.sh: makes Debian's Prometheus (prometheus + promtool, 2.42 on
# bookworm) available for @mqkit/prometheus's tests, which start their own server on a free port.
# Quiet unless something fails. Never fails the caller: without apt (or root), it says why and the
# Prometheus tests report themselves as skipped, with that reason, instead of passing.
# Never starts the server as a daemon: a policy-rc.d stops the package from starting its service.

ensure_prometheus() {
  if [ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ]; then
    echo "prometheus: $(/usr/bin/prometheus --version 2>&1 | head -n 1)"
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "prometheus: not installed and apt-get is unavailable here; the tests that need it will be skipped (install prometheus/promtool, or set PROMETHEUS and PROMTOOL)"
    return 0
  fi
  if [ "$(id -u)" != "0" ]; then
    echo "prometheus: not installed and not running as root (apt-get install needs it); the tests that need it will be skipped (sudo apt-get install prometheus)"
    return 0
  fi
  local log policy_made=""
  log=$(mktemp)
  # Keep the package's postinst from starting prometheus.service on a host with an init system.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_made=1
  fi
  if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; } >"$log" 2>&1; then
    echo "prometheus: installed $(/usr/bin/prometheus --version 2>&1 | head -n 1)"
  else
    echo "prometheus: apt-get install prometheus failed; the tests that need it will be skipped. Last lines:"
    tail -n 20 "$log" | sed 's/^/  /'
  fi
  [ -n "$policy_made" ] && rm -f /usr/sbin/policy-rc.d
  rm -f "$log"
  return 0
}
