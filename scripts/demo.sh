#!/usr/bin/env bash
# The first thing a new user runs: installs what is missing, builds Tusk, starts the agent,
# creates the 3-instance cluster in examples/hippo.yaml, shows it, and runs a query through
# the primary endpoint. The cluster keeps running afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --local
echo "==> building tusk"
tusk=$(scripts/publish.sh)
echo "==> applying examples/hippo.yaml (3 instances: PostgreSQL + Patroni each, etcd, HAProxy)"
$tusk apply -f examples/hippo.yaml --wait --timeout 180s
echo
$tusk describe cluster hippo
echo
$tusk show user hippo hippo --show-password
echo
echo "==> a query through the primary endpoint (127.0.0.1:5432, TLS verified against Tusk's CA)"
uri=$($tusk show user hippo hippo --show-password -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["uri"])')
psql "$uri" -c "select current_user, inet_server_port() as member_port, pg_is_in_recovery() as on_replica, version()"
echo
echo "Connect:   $tusk connect hippo        (or: psql \"\$($tusk show user hippo hippo --show-password -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"uri\"])')\")"
echo "Tear down: $tusk delete cluster hippo --yes --purge && $tusk agent stop --all"
