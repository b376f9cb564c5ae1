#!/usr/bin/env bash
# repmgr's "Fencing a failed master node with repmgrd and pgbouncer" recipe (shared/seed), as published,
# adapted ONLY where repmgr 5 renamed things and for the lab:
#   - repmgr 5: table repmgr.nodes (was repmgr_<cluster>.repl_nodes), type 'primary' (was 'master');
#   - the lab: sshd on port 2222 with its own key and known_hosts; every pgbouncer host lives on one machine,
#     so each host's database ini has its own path (PGBOUNCER_DATABASE_INI_<host>), and the repmgr
#     database is reached over TCP (REPMGR_HOST) instead of the local socket;
#   - the promotion step is skipped when SKIP_PROMOTE=1 (the benchmark times the loop after a promotion).
# Everything else (set -e, the serial loop, the verbatim conninfo) is the recipe's own.
set -u
set -e

# Configurable items
PGBOUNCER_HOSTS="${PGBOUNCER_HOSTS:?}"
PGBOUNCER_DATABASE="appdb"
PGBOUNCER_PORT=6432

REPMGR_DB="repmgr"
REPMGR_USER="repmgr"
REPMGR_SCHEMA="repmgr"
REPMGR_HOST="${REPMGR_HOST:?}"
REPMGR_CONF="${REPMGR_CONF:-/etc/repmgr.conf}"
SSH="ssh -p 2222 -i ${SSH_KEY:?} -o UserKnownHostsFile=${SSH_KNOWN_HOSTS:?} -o StrictHostKeyChecking=yes -o BatchMode=yes"

# 1. Promote this node from standby to master

if [ "${SKIP_PROMOTE:-0}" != "1" ]; then
    /usr/lib/postgresql/15/bin/repmgr standby promote -f "$REPMGR_CONF"
fi

# 2. Reconfigure pgbouncer instances

PGBOUNCER_DATABASE_INI_NEW="$(mktemp /tmp/pgbouncer.database.ini.XXXXXX)"

for HOST in $PGBOUNCER_HOSTS
do
    ADDRESS_VAR="PGBOUNCER_ADDRESS_${HOST}"
    INI_VAR="PGBOUNCER_DATABASE_INI_${HOST}"
    ADDRESS="${!ADDRESS_VAR}"
    PGBOUNCER_DATABASE_INI="${!INI_VAR}"

    # Recreate the pgbouncer config file
    echo -e "[databases]\n" > $PGBOUNCER_DATABASE_INI_NEW

    psql -h $REPMGR_HOST -d $REPMGR_DB -U $REPMGR_USER -t -A \
      -c "SELECT '${PGBOUNCER_DATABASE}-rw= ' || conninfo || ' application_name=pgbouncer_${HOST}' \
          FROM ${REPMGR_SCHEMA}.nodes \
          WHERE active = TRUE AND type='primary'" >> $PGBOUNCER_DATABASE_INI_NEW

    psql -h $REPMGR_HOST -d $REPMGR_DB -U $REPMGR_USER -t -A \
      -c "SELECT '${PGBOUNCER_DATABASE}-ro= ' || conninfo || ' application_name=pgbouncer_${HOST}' \
          FROM $REPMGR_SCHEMA.nodes \
          WHERE node_name='${HOST}'" >> $PGBOUNCER_DATABASE_INI_NEW

    rsync -e "$SSH" $PGBOUNCER_DATABASE_INI_NEW postgres@$ADDRESS:$PGBOUNCER_DATABASE_INI

    psql -tc "reload" -h $ADDRESS -p $PGBOUNCER_PORT -U postgres pgbouncer

done

# Clean up generated file
rm $PGBOUNCER_DATABASE_INI_NEW

echo "Reconfiguration of pgbouncer complete"
