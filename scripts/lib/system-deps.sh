# Sourced by scripts/test.sh: installs the system tools some tests need, from Debian's packages,
# when they are missing (CI starts from a fresh clone on a machine that may lack them). Quiet
# unless an install fails; without apt or root it says what is missing, and the tests that need
# the tool report themselves as skipped with the reason.
# shellcheck shell=bash

# ensure_tool <command> <debian package> <what needs it>
ensure_tool() {
  local tool=$1 package=$2 why=$3
  if command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ]; then
    return 0
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "note: $tool not found and apt-get is not available: $why will be skipped (install $package yourself)"
    return 0
  fi
  local sudo=''
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo='sudo -n'; else
      echo "note: $tool not found and no root to install $package: $why will be skipped"
      return 0
    fi
  fi
  echo "installing $package ($why needs $tool)"
  local log
  log=$(mktemp)
  if ! { $sudo apt-get install -y --no-install-recommends "$package" >"$log" 2>&1 ||
    { $sudo apt-get update >>"$log" 2>&1 && $sudo apt-get install -y --no-install-recommends "$package" >>"$log" 2>&1; }; }; then
    echo "warning: could not install $package: $why will be skipped. apt said:" >&2
    tail -n 20 "$log" >&2
  fi
  rm -f "$log"
}
