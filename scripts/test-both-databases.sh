#!/usr/bin/env bash
# Run the test suite on SQLite and on a throwaway PostgreSQL, and the browser tests (Chromium, on
# SQLite: they drive pages, not the database) in a third run, all at the same time: each run
# spends much of its time waiting. Then show the three reports and fail if any failed.
# Usage: scripts/test-both-databases.sh .venv/bin/pytest [pytest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d "${TMPDIR:-/tmp}/planner-tests.XXXXXX")
trap 'rm -rf "$logs"' EXIT

"$@" --ignore=tests/browser >"$logs/sqlite" 2>&1 &
sqlite_pid=$!
"$@" tests/browser >"$logs/browser" 2>&1 &
browser_pid=$!

echo "=== PostgreSQL run (the SQLite and browser runs go on beside it; their reports follow) ==="
scripts/with-postgres.sh "$@" --ignore=tests/browser
postgres_status=$?

wait "$sqlite_pid"
sqlite_status=$?
wait "$browser_pid"
browser_status=$?
for run in sqlite browser; do
  echo
  echo "=== ${run^} run ==="
  cat "$logs/$run"
done

result() { [[ $1 -eq 0 ]] && echo passed || echo "FAILED ($1)"; }
echo
echo "SQLite run: $(result $sqlite_status)"
echo "Browser run (SQLite): $(result $browser_status)"
echo "PostgreSQL run: $(result $postgres_status)"
[[ $sqlite_status -eq 0 && $browser_status -eq 0 && $postgres_status -eq 0 ]]
