#!/usr/bin/env bash
# The production profile on one machine, for a demonstration or a load test: PostgreSQL, Celery workers + beat
# on RabbitMQ, the cache on Redis, N gunicorn web processes. Needs those three services on their default ports.
# DEMO=true allows plain HTTP on 127.0.0.1 and the DigiD simulator; never use this script for a real deployment.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
mkdir -p var
[ -f var/prod-secret-key ] || $BIN/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/prod-secret-key
[ -f var/prod-receipt-key ] || $BIN/python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > var/prod-receipt-key

export PROFILE=production DEMO=true DIGID_MOCK=true
export SECRET_KEY="$(cat var/prod-secret-key)" RECEIPT_SIGNING_KEY="$(cat var/prod-receipt-key)"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/voorzieningen_prod}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672//}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:8000}"
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PWD/var/metrics}"
export BIND="${BIND:-127.0.0.1:8000}"

db="${DATABASE_URL##*/}"
psql "${DATABASE_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='${db}'" | grep -q 1 \
  || psql "${DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"${db}\""
$BIN/voorzieningen migrate --noinput
$BIN/voorzieningen collectstatic --noinput -v0
$BIN/voorzieningen load-demo

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
$BIN/celery -A voorzieningen.conf.celery worker --loglevel=warning --concurrency="${WORKER_CONCURRENCY:-2}" &
pids+=($!)
$BIN/celery -A voorzieningen.conf.celery beat --loglevel=warning \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler &
pids+=($!)
echo "production profile (demo) on http://${BIND} — ${WEB_CONCURRENCY:-$(( $(nproc) * 2 + 1 ))} web processes; Ctrl-C stops all"
$BIN/gunicorn -c python:voorzieningen.conf.gunicorn &
pids+=($!)
wait -n "${pids[@]}"
