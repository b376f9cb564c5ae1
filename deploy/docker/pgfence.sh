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
# Class-data sharing (see BENCHMARKS.md, "Promote overhead"): if an archive was trained next to lib/, e.g. at image
# build with: java <opts> -XX:ArchiveClassesAtExit=/opt/pgfence/pgfence.jsa -cp '/opt/pgfence/lib/*' org.pgfence.cli.CdsTraining
archive="$(dirname "$lib")/pgfence.jsa"
cds=""
[ -f "$archive" ] && cds="-XX:SharedArchiveFile=$archive"
# shellcheck disable=SC2086
exec "$java" $opts $cds -Dpgfence.dist="$lib" -cp "$lib/*" org.pgfence.cli.Main "$@"
