#!/usr/bin/env bash
# Start Debian's PostgreSQL cluster and make the test role (used by .ci/run; safe to run twice).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main
fi
cluster=$(pg_lsclusters -h | head -n 1 | awk '{print $1" "$2}')
status=$(pg_lsclusters -h | head -n 1 | awk '{print $4}')
[ "$status" = "online" ] || pg_ctlcluster $cluster start
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='laget'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role laget login superuser password 'laget'\""
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='laget'\"" | grep -q 1 \
  || su postgres -c "createdb -O laget laget"
echo "PostgreSQL is ready (postgresql+psycopg://laget:laget@127.0.0.1:5432/laget)"
