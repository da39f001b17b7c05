#!/usr/bin/env bash
# A newcomer's first start, by the README's commands alone: from a fresh clone of this
# repository's HEAD, `make run` (on a free PORT), then `make colead EMAIL=...` as first start
# says, then sign in over HTTP with the printed one-time password, choose one's own as the app
# insists, and open a co-lead page. Fails naming the step. Usage: scripts/newcomer.sh
# (KEEP=1 keeps the clone and its logs; NEWCOMER_WAIT is how long `make run` may take, in s).
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/newcomer.XXXXXX")
server=
stop() {
  if [[ -n $server ]]; then
    kill -TERM -- "-$server" 2>/dev/null || true  # make, the server and the mail sender
    wait "$server" 2>/dev/null || true
  fi
  if [[ ${KEEP:-} == 1 ]]; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap stop EXIT
fail() {
  echo "newcomer: $*" >&2
  echo "--- make run said:" >&2
  tail -n 30 "$work/run.log" >&2 || true
  exit 1
}

git clone --quiet "$repo" "$work/app"
cd "$work/app"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address="http://127.0.0.1:$port"

started=$SECONDS
set -m  # `make run` in a process group of its own, stopped as a whole
make run PORT="$port" >"$work/run.log" 2>&1 &
server=$!
set +m
until python3 -c "import urllib.request as u; u.urlopen('$address/', timeout=2)" 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || fail "make run stopped before serving"
  ((SECONDS - started < ${NEWCOMER_WAIT:-600})) || fail "make run did not serve within ${NEWCOMER_WAIT:-600} s"
  sleep 1
done
echo "make run served $address after $((SECONDS - started)) s"
hint=$(grep -o "make colead EMAIL=[^ ]*\( PORT=[0-9]*\)\?" "$work/run.log" | head -n 1)
[[ -n $hint ]] || fail "first start did not say how to create a co-lead"
[[ $hint == *" PORT=$port" ]] || fail "first start's hint does not name the PORT given: $hint"

# The command first start printed, as a newcomer copies it (with their own address).
read -ra colead <<<"${hint/EMAIL=you@example.org/EMAIL=newcomer@example.org}"
"${colead[@]}" >"$work/colead.log" 2>&1 || fail "make colead failed: $(cat "$work/colead.log")"
password=$(sed -n 's/^One-time password.*: //p' "$work/colead.log")
[[ -n $password ]] || fail "make colead printed no password: $(cat "$work/colead.log")"
grep -qF "Sign in at $address/login" "$work/colead.log" ||
  fail "make colead named another sign-in address: $(grep 'Sign in at' "$work/colead.log")"

ADDRESS=$address PASSWORD=$password python3 - <<'PYTHON' || fail "signing in did not reach a co-lead page"
"""Sign in as a browser does: the CSRF token from each form, the session in a cookie."""
import http.cookiejar
import os
import re
import urllib.parse
import urllib.request

address, one_time = os.environ["ADDRESS"], os.environ["PASSWORD"]
browser = urllib.request.build_opener(
    urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
)


def get(path):
    with browser.open(address + path) as response:
        return response.geturl(), response.read().decode()


def send(path, fields):
    _, page = get(path)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
    with browser.open(address + path, data) as response:
        return response.geturl(), response.read().decode()


url, _ = send("/login?next=/lineups/new", {"email": "newcomer@example.org", "password": one_time})
assert "/account/password" in url, f"a one-time password must be changed first; got {url}"
url, _ = get("/lineups/new")
assert "/account/password" in url, f"a co-lead page opened before the password was changed: {url}"
own = "first day on the task force"  # not the address, and not easy to guess
url, page = send(
    "/account/password?next=/lineups/new", {"current": one_time, "new": own, "confirm": own}
)
assert url.endswith("/lineups/new"), f"after choosing a password: {url}"
assert "Password changed." in page and "Sign out" in page, page[:500]
print(f"Signed in as newcomer@example.org and reached {url}")
PYTHON
echo "newcomer: the README's commands got a co-lead signed in, in $((SECONDS - started)) s"
