#!/bin/bash
# pgbouncer entrypoint: make sure the agent-owned database ini exists before pgbouncer starts (a missing
# %include file is fatal at start, facts/lab.md P12), then run pgbouncer in the foreground as postgres.
set -euo pipefail
DIR=/etc/pgbouncer/pgfence
INI="$DIR/pgbouncer.database.ini"

# The directory belongs to the agent (user pgfence): it writes a temp file there and renames it.
install -d -o pgfence -g pgfence -m 0755 "$DIR"
if [ ! -e "$INI" ]; then
  # No routes until the agent has verified the cluster: fail closed, never guess (DESIGN.md rule 4).
  printf '; placeholder: pgfence agent has not reconciled yet\n[databases]\n' > "$INI"
  chown pgfence:pgfence "$INI"
  chmod 0644 "$INI"
fi
install -d -o postgres -g postgres -m 0755 /run/postgresql /var/log/postgresql
exec setpriv --reuid=postgres --regid=postgres --init-groups --reset-env \
    /usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini
