#!/bin/bash
# Node entrypoint: the first start of the primary node initialises the cluster; the first start of any
# other node clones a standby from it. Then PostgreSQL runs (pg_ctl, as repmgr expects to drive it) and
# repmgrd runs in the foreground as the container's main process.
# Follows facts/lab.md §2-§3; repmgr.conf is mounted at /etc/repmgr.conf (deploy/config/compose/).
#
# Environment:
#   PRIMARY_HOST      host name of the node that initialises the cluster (default node1)
#   REPMGR_PASSWORD   password of the repmgr role (required)
#   APP_PASSWORD      password of the app role (required)
#   PGFENCE_PASSWORD  password of the pgfence role the agents verify the cluster with (defaults to repmgr's)
set -euo pipefail

B=/usr/lib/postgresql/15/bin
PGDATA=/var/lib/postgresql/15/data
CONF=/etc/repmgr.conf
PRIMARY_HOST="${PRIMARY_HOST:-node1}"
: "${REPMGR_PASSWORD:?REPMGR_PASSWORD must be set}" "${APP_PASSWORD:?APP_PASSWORD must be set}"

cd /    # postgres cannot stat root's cwd (facts/lab.md P3)
log() { echo "pgfence-node: $*" >&2; }
# setpriv execs directly (no forked parent like runuser) and --reset-env gives postgres its own HOME,
# so libpq and pgjdbc find ~postgres/.pgpass.
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups --reset-env "$@"; }
conf_value() { sed -n "s/^$1[[:space:]]*=[[:space:]]*'\{0,1\}\([^']*\)'\{0,1\}.*/\1/p" "$CONF" | head -n1; }

prepare_dirs() {
  install -d -o postgres -g postgres -m 0700 "$PGDATA"
  install -d -o postgres -g postgres -m 2775 /run/postgresql
  install -d -o postgres -g postgres -m 0750 /var/log/postgresql /var/lib/pgfence/spool
  # repmgr (libpq) and pgfence (pgjdbc) authenticate to the other nodes with these.
  umask 077
  cat > /var/lib/postgresql/.pgpass <<PGPASS
*:*:replication:repmgr:${REPMGR_PASSWORD}
*:*:repmgr:repmgr:${REPMGR_PASSWORD}
*:*:*:repmgr:${REPMGR_PASSWORD}
PGPASS
  chown postgres:postgres /var/lib/postgresql/.pgpass
  umask 022
}

wait_for() {   # wait_for HOST: bounded wait until PostgreSQL on HOST accepts connections
  for _ in $(seq 1 90); do
    if pg_isready -q -h "$1" -p 5432 -t 2; then return 0; fi
    sleep 2
  done
  log "PostgreSQL on $1 did not come up within 3 minutes"; exit 4
}

start_postgres() {
  as_postgres "$B/pg_ctl" -D "$PGDATA" -l /var/log/postgresql/postgresql.log -w -t 120 start
}

init_primary() {
  log "initialising the cluster on $(hostname)"
  as_postgres "$B/initdb" -D "$PGDATA" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8
  cat >> "$PGDATA/postgresql.conf" <<'PGCONF'
listen_addresses = '*'
shared_preload_libraries = 'repmgr'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_log_hints = on                # repmgr node rejoin --force-rewind needs pg_rewind
wal_keep_size = 128MB
password_encryption = scram-sha-256
log_line_prefix = '%m [%p] %q%u@%d '
PGCONF
  cat > "$PGDATA/pg_hba.conf" <<'HBA'
local   all          postgres                 peer
local   all          all                      peer
host    replication  repmgr    samenet        scram-sha-256
host    all          all       samenet        scram-sha-256
HBA
  start_postgres
  as_postgres psql -v ON_ERROR_STOP=1 -q -d postgres \
      -v repmgr_pw="$REPMGR_PASSWORD" -v app_pw="$APP_PASSWORD" \
      -v pgfence_pw="${PGFENCE_PASSWORD:-$REPMGR_PASSWORD}" <<'SQL'
CREATE ROLE repmgr SUPERUSER LOGIN PASSWORD :'repmgr_pw';
ALTER ROLE repmgr SET search_path TO repmgr, "$user", public;
CREATE DATABASE repmgr OWNER repmgr;
CREATE ROLE app LOGIN PASSWORD :'app_pw';
CREATE DATABASE appdb OWNER app;
-- the agents and the producer read pg_is_in_recovery(), the timeline and repmgr.nodes; nothing else
CREATE ROLE pgfence LOGIN PASSWORD :'pgfence_pw' IN ROLE pg_monitor;
SQL
  as_postgres "$B/repmgr" -f "$CONF" primary register      # creates the repmgr extension and schema
  as_postgres psql -v ON_ERROR_STOP=1 -q -d repmgr -c 'GRANT USAGE ON SCHEMA repmgr TO pgfence' \
      -c 'GRANT SELECT ON ALL TABLES IN SCHEMA repmgr TO pgfence'
}

clone_standby() {
  wait_for "$PRIMARY_HOST"
  log "cloning $(hostname) from $PRIMARY_HOST"
  as_postgres "$B/repmgr" -h "$PRIMARY_HOST" -p 5432 -U repmgr -d repmgr -f "$CONF" \
      standby clone --fast-checkpoint
  start_postgres
  as_postgres "$B/repmgr" -f "$CONF" standby register --wait-sync=60
}

prepare_dirs
if [ -s "$PGDATA/PG_VERSION" ]; then
  # A restart keeps its data as it is. A former primary comes back writable on an old timeline; pgfence
  # never routes it (DESIGN.md rule 3). Rejoin it by hand:
  #   repmgr -f /etc/repmgr.conf node rejoin -h <new primary> -U repmgr -d repmgr --force-rewind
  log "existing data directory: starting it as it is"
  start_postgres
elif [ "$(hostname)" = "$PRIMARY_HOST" ]; then
  init_primary
else
  clone_standby
fi

log "starting repmgrd (node $(conf_value node_name))"
exec setpriv --reuid=postgres --regid=postgres --init-groups --reset-env \
    "$B/repmgrd" -f "$CONF" --daemonize=false
