#!/bin/sh
# pgfence launcher for installed hosts and images (/usr/local/bin/pgfence). Runs the distribution in
# /opt/pgfence/lib (PGFENCE_LIB) with the same JVM options as bin/pgfence in the repository.
set -eu
lib="${PGFENCE_LIB:-/opt/pgfence/lib}"
if [ ! -d "$lib" ]; then
  echo "pgfence: no distribution at $lib (set PGFENCE_LIB)" >&2
  exit 5
fi
# The same options as bin/pgfence. Short-lived commands (promote, notify) run in repmgrd's failover path: start
# fast, stay small. Agents run for months, one per pgbouncer host: a small heap and two malloc arenas keep their
# RSS under 96 MB (BENCHMARKS.md "## Cost"). PGFENCE_JAVA_OPTS replaces either set.
case "${1:-}" in
  agent) default_opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xms8m -Xmx64m -Xmn2m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:ReservedCodeCacheSize=24m" ;;
  *) default_opts="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -Xss512k -Xmx256m" ;;
esac
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
opts="${PGFENCE_JAVA_OPTS:-$default_opts}"
# repmgrd runs promote_command with its own environment: find java without relying on PATH alone.
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Class-data sharing (see BENCHMARKS.md, "Promote overhead"): used if an archive was trained next to lib/, at install
# or image build (docs/deployment.md, deploy/docker/Dockerfile); a stale one (other jars, other java) is ignored.
archive="$(dirname "$lib")/pgfence.jsa"
cds=""
[ -f "$archive" ] && cds="-XX:SharedArchiveFile=$archive"
# shellcheck disable=SC2086
exec "$java" $opts $cds -Dpgfence.dist="$lib" -cp "$lib/*" org.pgfence.cli.Main "$@"
