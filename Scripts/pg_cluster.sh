#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder as a
# non-root user, on a free loopback port, password authentication over TCP (role tmkit), trust
# on its own Unix socket folder for the owner. Installs Debian's postgresql when missing.
#
#   eval "$(Scripts/pg_cluster.sh start [NAME])"   # exports TMKIT_PG_URL, TMKIT_PG_DIR, TMKIT_PG_PORT, …
#   Scripts/pg_cluster.sh stop DIR                 # stops it and removes the folder
#   Scripts/pg_cluster.sh replica PRIMARY_DIR      # a streaming replica of it on another port (exports TMKIT_PG_REPLICA_*)
#   Scripts/pg_cluster.sh restart DIR              # stops and starts it again (fast shutdown: clients are cut off)
set -euo pipefail

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$d" ]; then
    echo "pg_cluster: installing Debian's postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1 || {
      apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null 2>&1; }
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  echo "$d"
}

# Commands run as the cluster's owner: root may not run PostgreSQL.
owner() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_cluster() {  # dir port
  local bin=$1 dir=$2 port=$3
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
}

case "${1:-}" in
  start)
    bin=$(bindir)
    name=${2:-tmkit}
    dir=$(mktemp -d "/tmp/tmkit-pg-$name-XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(free_port)
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    as_owner "$bin/initdb" -D "$dir/data" -U "$(owner)" -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    # TCP from loopback with a password; the owner's socket in $dir is trusted (set-up only).
    cat > "$dir/data/pg_hba.conf" <<HBA
local all all trust
host all all 127.0.0.1/32 scram-sha-256
host replication all 127.0.0.1/32 scram-sha-256
HBA
    cat >> "$dir/data/postgresql.conf" <<CONF
wal_level = replica
max_wal_senders = 4
fsync = on
synchronous_commit = on
shared_buffers = 256MB
max_connections = 200
CONF
    start_cluster "$bin" "$dir" "$port"
    as_owner "$bin/psql" -h "$dir" -p "$port" -d postgres -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE tmkit LOGIN REPLICATION CREATEDB PASSWORD '$password';
CREATE DATABASE tmkit OWNER tmkit;
CREATE DATABASE tmkit_other OWNER tmkit;
SQL
    echo "export TMKIT_PG_DIR=$dir TMKIT_PG_PORT=$port TMKIT_PG_BIN=$bin TMKIT_PG_PASSWORD=$password"
    echo "export TMKIT_PG_URL='postgres://tmkit:$password@127.0.0.1:$port/tmkit'"
    ;;
  replica)
    bin=$(bindir)
    primary=$2
    pport=$(cat "$primary/data/postmaster.pid" | sed -n 4p)
    dir=$(mktemp -d "/tmp/tmkit-pg-replica-XXXXXX")
    chmod 700 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port=$(free_port)
    as_owner env PGPASSWORD="${TMKIT_PG_PASSWORD:?}" "$bin/pg_basebackup" -h 127.0.0.1 -p "$pport" -U tmkit -D "$dir/data" -R -X stream >/dev/null
    chmod 755 "$dir"
    start_cluster "$bin" "$dir" "$port"
    echo "export TMKIT_PG_REPLICA_DIR=$dir TMKIT_PG_REPLICA_PORT=$port"
    echo "export TMKIT_PG_REPLICA_URL='postgres://tmkit:$TMKIT_PG_PASSWORD@127.0.0.1:$port/tmkit'"
    ;;
  restart)
    bin=$(bindir)
    dir=$2
    port=$(sed -n 4p "$dir/data/postmaster.pid")
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    start_cluster "$bin" "$dir" "$port"
    ;;
  stop)
    bin=$(bindir)
    dir=$2
    [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: Scripts/pg_cluster.sh start [NAME] | replica PRIMARY_DIR | restart DIR | stop DIR" >&2
    exit 2
    ;;
esac
