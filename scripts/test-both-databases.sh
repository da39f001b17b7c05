#!/usr/bin/env bash
# Run the test suite on SQLite and on a throwaway PostgreSQL at the same time (the machine has
# two cores, and each run spends much of its time waiting), then show both reports and fail if
# either failed. Usage: scripts/test-both-databases.sh .venv/bin/pytest [pytest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

sqlite_log=$(mktemp "${TMPDIR:-/tmp}/planner-sqlite-tests.XXXXXX")
trap 'rm -f "$sqlite_log"' EXIT

"$@" >"$sqlite_log" 2>&1 &
sqlite_pid=$!

echo "=== PostgreSQL run (the SQLite run goes on beside it; its report follows) ==="
scripts/with-postgres.sh "$@"
postgres_status=$?

wait "$sqlite_pid"
sqlite_status=$?
echo
echo "=== SQLite run ==="
cat "$sqlite_log"

echo
echo "SQLite run: $([[ $sqlite_status -eq 0 ]] && echo passed || echo "FAILED ($sqlite_status)")"
echo "PostgreSQL run: $([[ $postgres_status -eq 0 ]] && echo passed || echo "FAILED ($postgres_status)")"
[[ $sqlite_status -eq 0 && $postgres_status -eq 0 ]]
