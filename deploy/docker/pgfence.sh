#!/bin/sh
# pgfence launcher for installed hosts and images (/usr/local/bin/pgfence). Runs the distribution in
# /opt/pgfence/lib (PGFENCE_LIB) with the same JVM options as bin/pgfence in the repository.
set -eu
lib="${PGFENCE_LIB:-/opt/pgfence/lib}"
if [ ! -d "$lib" ]; then
  echo "pgfence: no distribution at $lib (set PGFENCE_LIB)" >&2
  exit 5
fi
# Short-lived commands (promote, notify) run in repmgrd's failover path: start fast, stay small.
opts="${PGFENCE_JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xmx256m}"
# repmgrd runs promote_command with its own environment: find java without relying on PATH alone.
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2086
exec "$java" $opts -Dpgfence.dist="$lib" -cp "$lib/*" org.pgfence.cli.Main "$@"
