# Starts a throwaway PostgreSQL cluster on a loopback port for the tests.
# Sets SMOLE_TEST_PG to a psql connection string; stop_pg removes the cluster.

start_pg() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [[ -z "$bindir" ]]; then
    echo "scripts/test: PostgreSQL is not installed" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/smole-pg-XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  local run=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bindir/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log" 2>&1
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export SMOLE_TEST_PG="host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres"
  PG_STOP=("${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  echo "scripts/test: PostgreSQL on 127.0.0.1:$PG_PORT" >&2
}

stop_pg() {
  if [[ -n "${PG_DIR:-}" ]]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
