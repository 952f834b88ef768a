#!/usr/bin/env bash
# Run a command with SUPPLIES_TEST_POSTGRES_URL pointing at a PostgreSQL server.
#
# Uses the server in SUPPLIES_TEST_POSTGRES_URL when it answers; otherwise installs PostgreSQL
# from Debian's packages if needed, starts a throwaway cluster on loopback for the run, and
# stops and removes it afterwards. The tests create (and drop) their own database on it.
set -euo pipefail

if [[ -n "${SUPPLIES_TEST_POSTGRES_URL:-}" ]]; then
  if "${1}" -c "import psycopg,sys; psycopg.connect(sys.argv[1].replace('postgresql+psycopg','postgresql'), connect_timeout=3).close()" \
       "$SUPPLIES_TEST_POSTGRES_URL" 2>/dev/null; then
    exec "$@"
  fi
  echo "with_postgres: $SUPPLIES_TEST_POSTGRES_URL does not answer; starting a throwaway cluster" >&2
fi

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [[ -x "$d/initdb" ]] && { echo "$d"; return 0; }; done
  return 1
}

if ! BIN=$(pg_bin); then
  echo "with_postgres: installing PostgreSQL from Debian's packages" >&2
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  BIN=$(pg_bin)
fi

DIR=$(mktemp -d /tmp/supplies-pg.XXXXXX)
PORT=$("${1}" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
RUN_AS=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres:postgres "$DIR"
  RUN_AS=(runuser -u postgres --)
fi

cleanup() {
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-k $DIR -p $PORT -h 127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null

export SUPPLIES_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
echo "with_postgres: throwaway PostgreSQL on 127.0.0.1:$PORT" >&2
"$@"
