#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser tests, installing the
# package `chromium` if needed. With CI=true a failure is an error; elsewhere the browser tests
# then skip with a loud message.
set -euo pipefail

if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
echo "Installing Chromium (Debian package chromium) for the browser tests ..." >&2
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo -n)
if "${sudo[@]}" apt-get update -qq \
   && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      chromium fonts-dejavu-core >/dev/null \
   && [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
if [[ "${CI:-}" == "true" ]]; then
  echo "ERROR: could not install Chromium; the browser tests are required in CI." >&2
  exit 1
fi
echo "!!! Chromium could not be installed: the browser tests will be SKIPPED." >&2
