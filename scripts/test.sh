#!/usr/bin/env bash
# The whole test run: install the services the tests need (Debian packages), start throwaway
# PostgreSQL and Redis on loopback, run the suite on the embedded default and on the
# production stack, lint and type-check, and stop every server this script started.
# The two stacks run side by side (much of the suite waits on a browser or a socket, so two
# runs share two cores well); the production stack's output is kept in a log and printed
# after the embedded run's. TEST_STACKS_IN_TURN=1 runs them one after the other instead.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"

need=()
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
# The browser tests drive Debian's Chromium headless shell (the same engine, no desktop browser
# around it: 40% less processor time than the chromium package's browser).
[ -x /usr/bin/chromium-headless-shell ] || need+=(chromium-headless-shell)
[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || need+=(fonts-liberation)
# WeasyPrint (the letters with login codes) draws text with Pango.
ldconfig -p | grep libpangoft2-1.0.so.0 >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)  # no -q: with pipefail an early exit fails the pipe
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-noto-color-emoji >/dev/null \
    || { echo "could not install ${need[*]}"; exit 1; }
fi

WORK=$(mktemp -d /tmp/samenspel-test.XXXXXX)
chmod 755 "$WORK"
stop_or_kill() {  # pid, name, log: wait up to 15 s, then SIGQUIT (PostgreSQL: immediate), then kill
  local pid=$1 step
  for step in QUIT KILL; do
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    echo "== $2 did not stop in 15 s; sending SIG$step. The end of its log:"
    tail -n 20 "$3" 2>/dev/null
    kill -"$step" "$pid" 2>/dev/null
  done
}
cleanup() {
  # A production-stack run still going (the script was interrupted) is stopped with its
  # whole process group: its demo server, browser and Daphne processes.
  if [ -n "${production_pid:-}" ] && kill -0 "$production_pid" 2>/dev/null; then
    kill -TERM -- -"$production_pid" 2>/dev/null
    stop_or_kill "$production_pid" "production-stack tests" "$WORK/production.log"
  fi
  # SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave) and
  # stops Redis too. A server that outlasts the wait is stopped harder, and says so, before
  # its files are removed.
  for pid in ${pg_pid:-} ${redis_pid:-}; do kill -INT "$pid" 2>/dev/null; done
  [ -n "${pg_pid:-}" ] && stop_or_kill "$pg_pid" PostgreSQL "$WORK/pg.log"
  [ -n "${redis_pid:-}" ] && stop_or_kill "$redis_pid" Redis "$WORK/redis.log"
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# PostgreSQL: a throwaway cluster owned by the postgres user, on loopback only.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGPORT=$(free_port)
mkdir -p "$WORK/pg" && chown postgres:postgres "$WORK/pg"
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
as_postgres "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null \
  || { echo "initdb failed"; exit 1; }
# Started as a simple command, not through the function: a function in the background runs
# in a subshell, whose pid $! would be, and which ignores SIGINT as background jobs do.
setpriv --reuid=postgres --regid=postgres --init-groups -- "$PGBIN/postgres" -D "$WORK/pg/data" -p "$PGPORT" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories="$WORK/pg" -c fsync=off -c synchronous_commit=off \
  -c full_page_writes=off -c max_connections=300 >"$WORK/pg.log" 2>&1 &
pg_pid=$!

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  --dir "$WORK" >"$WORK/redis.log" 2>&1 &
redis_pid=$!

for _ in $(seq 100); do
  "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" || { echo "PostgreSQL did not start"; cat "$WORK/pg.log"; exit 1; }
[ "$(head -n 1 "$WORK/pg/data/postmaster.pid")" = "$pg_pid" ] \
  || { echo "PostgreSQL runs under another pid than the one started"; exit 1; }

status=0
run() {
  echo "== $1"; shift
  "$@" || status=1
}

# Within each stack, TEST_WORKERS pytest workers (pytest-xdist, default 2) are dealt the tests
# one at a time, each worker in collection order, so the transactional tests (which empty the
# database, pytest-django puts them last) still come after the others on each worker. (xdist
# 3.8's groups do not hold under pytest 9: it renames the test ids, pytest 9 ignores that; no
# test is grouped, so loadgroup deals single tests.) Most tests wait
# on a browser, a socket or a server, so two stacks of two workers keep two cores busier than
# two single runs did. Each worker has its own test database, demo server and Redis database
# (tests/conftest.py). TEST_WORKERS=1 runs each stack in one process, as before.
TEST_WORKERS=${TEST_WORKERS:-2}
parallel=()
[ "$TEST_WORKERS" -gt 1 ] && parallel=(-n "$TEST_WORKERS" --dist loadgroup)

# Each stack's pytest keeps its temporary files (the browser tests' demo server, its database
# and logs) in a directory of its own, removed with the rest of this run.
embedded_tests=(env -u DATABASE_URL -u REDIS_URL TEST_SQLITE_NAME="$WORK/test-embedded.sqlite3"
  "$PY" -m pytest "${parallel[@]}" -m "not multiprocess" -q --durations=15 --basetemp="$WORK/pytest-embedded" "$@")
# Connections are not kept between test threads, so the test database can be dropped at the end.
production_tests=(env DEBUG=1 DB_CONN_MAX_AGE=0
  DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/samenspel" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  "$PY" -m pytest "${parallel[@]}" -q --durations=15 --basetemp="$WORK/pytest-production" "$@")
EMBEDDED_TITLE="tests: embedded default (SQLite, in-memory layer)"
PRODUCTION_TITLE="tests: production stack (PostgreSQL, Redis, multi-process tests included)"

if [ -z "${TEST_STACKS_IN_TURN:-}" ]; then
  # In a session of its own, so that the cleanup can stop it with everything it started.
  setsid "${production_tests[@]}" </dev/null >"$WORK/production.log" 2>&1 &
  production_pid=$!
  echo "== $PRODUCTION_TITLE: started alongside; its output follows the embedded run's"
fi

run "ruff" "$ROOT/.venv/bin/ruff" check .
run "mypy" "$ROOT/.venv/bin/mypy"
run "frontend unit tests" bash -c "cd frontend && npm test --silent"
run "deploy checks (production settings)" env DEBUG=0 SECRET_KEY=check-only-"$RANDOM$RANDOM$RANDOM$RANDOM"-not-a-real-secret-key-0123456789 \
  ALLOWED_HOSTS=samenspel.diemen.nl DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres" \
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" "$PY" manage.py check --deploy --fail-level WARNING
run "migrations are complete" "$PY" manage.py makemigrations --check --dry-run

# Embedded default: SQLite and the in-memory channel layer (multi-process tests need Redis).
run "$EMBEDDED_TITLE" "${embedded_tests[@]}"

# Production stack: PostgreSQL and the Redis channel layer, multi-process tests included.
if [ -n "${production_pid:-}" ]; then
  echo "== $PRODUCTION_TITLE"
  wait "$production_pid" || status=1
  production_pid=
  cat "$WORK/production.log"
else
  run "$PRODUCTION_TITLE" "${production_tests[@]}"
fi

if [ "$status" -ne 0 ]; then echo "== FAILED"; else echo "== all passed"; fi
exit "$status"
