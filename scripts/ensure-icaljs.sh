#!/usr/bin/env bash
# Install Mozilla's ical.js (npm registry) for reading the calendar feeds back in the tests,
# installing the Debian packages `nodejs` and `npm` first if Node.js is missing. With CI=true a
# failure is an error; elsewhere the ical.js checks then skip with a loud message.
set -euo pipefail

folder=tests/calendar/js
[[ -d $folder/node_modules/ical.js && $folder/node_modules -nt $folder/package-lock.json ]] && exit 0
if ! command -v npm >/dev/null; then
  echo "Installing Node.js (Debian packages nodejs, npm) for the ical.js checks ..." >&2
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo -n)
  "${sudo[@]}" apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    nodejs npm >/dev/null || true
fi
if command -v npm >/dev/null && npm ci --prefix "$folder" --no-audit --no-fund; then
  touch "$folder/node_modules"
  exit 0
fi
if [[ "${CI:-}" == "true" ]]; then
  echo "ERROR: could not install ical.js; the calendar checks need it in CI." >&2
  exit 1
fi
echo "!!! ical.js could not be installed: its calendar checks will be SKIPPED." >&2
