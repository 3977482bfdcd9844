#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised: one database per service, each
# owned by the application role (POSTGRES_USER). Services never share a database.
set -eu
for db in ${POSTGRES_SERVICE_DATABASES:-auth content quiz}; do
    echo "creating database $db"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -c "CREATE DATABASE \"$db\" OWNER \"$POSTGRES_USER\""
done
