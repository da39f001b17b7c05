#!/usr/bin/env bash
# Run the test suite on SQLite (in two halves) and on a throwaway PostgreSQL, and the browser
# tests (Chromium, on SQLite: they drive pages, not the database) in another run, all at the
# same time: each run spends much of its time waiting. Then show the reports, check that the
# PostgreSQL run sent every statement the suite sends, and fail if anything failed.
# The newcomer's quick start (tests/test_newcomer.py: a fresh clone builds a venv of its own and
# serves; CI=true only) runs in the browser run, the shortest: in a SQLite half it made that half
# the last run to end, by some 100 s, one core idle meanwhile.
# Usage: scripts/test-both-databases.sh .venv/bin/pytest [pytest arguments]
set -uo pipefail
cd "$(dirname "$0")/.."

newcomer=tests/test_newcomer.py
logs=$(mktemp -d "${TMPDIR:-/tmp}/planner-tests.XXXXXX")
trap 'rm -rf "$logs"' EXIT

# The SQLite run is two processes, each half of the test modules, so that both cores stay busy
# once the shorter PostgreSQL and browser runs end. Each records what its tests send to the
# database, to check afterwards that the PostgreSQL run, which leaves out the tests whose
# statements others send (tests/statements.py), still sends all of it.
PLANNER_TEST_SHARE=1/2 PLANNER_TEST_STATEMENTS="$logs/statements-1.json" \
  "$@" --ignore=tests/browser --ignore="$newcomer" >"$logs/sqlite-1" 2>&1 &
sqlite_1_pid=$!
PLANNER_TEST_SHARE=2/2 PLANNER_TEST_STATEMENTS="$logs/statements-2.json" \
  "$@" --ignore=tests/browser --ignore="$newcomer" >"$logs/sqlite-2" 2>&1 &
sqlite_2_pid=$!
"$@" tests/browser "$newcomer" >"$logs/browser" 2>&1 &
browser_pid=$!

echo "=== PostgreSQL run (the SQLite and browser runs go on beside it; their reports follow) ==="
scripts/with-postgres.sh "$@" --ignore=tests/browser
postgres_status=$?

wait "$sqlite_1_pid"
sqlite_1_status=$?
wait "$sqlite_2_pid"
sqlite_2_status=$?
wait "$browser_pid"
browser_status=$?
for run in sqlite-1 sqlite-2 browser; do
  echo
  echo "=== ${run^} run ==="
  cat "$logs/$run"
done

# Whether the PostgreSQL run sent all the suite sends (only for the whole suite: a run of some
# tests, with pytest arguments given, records only theirs).
statements_status=0
if [[ $# -eq 1 ]]; then
  echo
  "$(dirname "$1")/python" -m tests.statements --check "$logs"/statements-{1,2}.json
  statements_status=$?
fi

result() { [[ $1 -eq 0 ]] && echo passed || echo "FAILED ($1)"; }
echo
echo "SQLite run, first half: $(result $sqlite_1_status)"
echo "SQLite run, second half: $(result $sqlite_2_status)"
echo "Browser run and the newcomer's quick start (SQLite): $(result $browser_status)"
echo "PostgreSQL run: $(result $postgres_status)"
echo "Statements sent on PostgreSQL too: $(result $statements_status)"
[[ $sqlite_1_status -eq 0 && $sqlite_2_status -eq 0 && $browser_status -eq 0 \
  && $postgres_status -eq 0 && $statements_status -eq 0 ]]
