#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on loopback, as `make test` does:
# installs the Debian package `postgresql` if it is missing, starts a fresh cluster in a temporary
# folder, exports TEST_DATABASE_URL for the tests, and removes everything afterwards.
# With CI=true, failing to provide PostgreSQL is an error; elsewhere the run is skipped loudly.
set -euo pipefail

give_up() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "ERROR: $1; the PostgreSQL test run is required in CI." >&2
    exit 1
  fi
  echo "!!! PostgreSQL test run SKIPPED: $1 (set CI=true to make this an error)." >&2
  exit 0
}

find_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bindir=$(find_bindir)
if [[ -z "$bindir" ]]; then
  echo "Installing PostgreSQL (Debian package postgresql) ..." >&2
  sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo -n)
  if ! { "${sudo[@]}" apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
         --no-install-recommends postgresql >/dev/null; }; then
    give_up "could not install the Debian package postgresql"
  fi
  bindir=$(find_bindir)
  [[ -n "$bindir" ]] || give_up "no PostgreSQL server binaries after installing postgresql"
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/planner-pg.XXXXXX")
as_server=()
if [[ $(id -u) -eq 0 ]]; then
  # The server refuses to run as root; the Debian package creates the postgres user.
  chown postgres: "$workdir"
  as_server=(runuser -u postgres --)
fi
cleanup() {
  "${as_server[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"${as_server[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
"${as_server[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -F" start >/dev/null \
  || { cat "$workdir/server.log" >&2; give_up "the PostgreSQL server did not start"; }
"${as_server[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres planner_test

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/planner_test"
echo "Running against PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
