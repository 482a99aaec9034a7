#!/usr/bin/env bash
# `make demo-s3` (= `make demo STORAGE=s3`): the demo beyond one machine, on this one. A local S3 server
# (SeaweedFS, `twf objectstore`) and a Dask scheduler with 2 worker processes (`twf dask-cluster`), both on
# 127.0.0.1; the demo runs built on the Dask workers into the bucket (`make demo-data` with the Dask
# executor and TWF_STORAGE_URL), then the viewer served from the bucket until Ctrl-C. Everything this script
# started is stopped when it ends, however it ends (the bucket's data stays in $DIR for the next run).
set -euo pipefail

TWF=${TWF:-.venv/bin/twf}
MAKE=${MAKE:-make}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8200}
S3_PORT=${S3_PORT:-8333}
DASK_PORT=${DASK_PORT:-8786}
DASK_WORKERS=${DASK_WORKERS:-2}
DIR=${DIR:-./data/demo-s3}
BUCKET=twf
READY_SECONDS=${READY_SECONDS:-120}

# The local server's only identity (it accepts nothing else); a real deployment's come from its environment.
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-twf-demo}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-twf-demo-secret}
export TWF_STORAGE_URL="s3://$BUCKET/v3?endpoint=http://127.0.0.1:$S3_PORT"

mkdir -p "$DIR"
started=()
stop_all() {
  local pid
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do  # the newest first: the cluster before the store
    pid=${started[i]}
    kill -TERM -- "-$pid" 2>/dev/null || true  # its process group: a build's make and scheduler together
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME LOG COMMAND...: run COMMAND in the background, wait for its "twf NAME:" ready line in LOG.
start() {
  local name=$1 log=$2
  shift 2
  setsid "$@" >"$log" 2>&1 &
  started+=($!)
  for ((waited = 0; waited < READY_SECONDS * 5; waited++)); do
    grep -q "^twf $name:" "$log" && return 0
    kill -0 "${started[-1]}" 2>/dev/null || { echo "twf $name exited:" >&2; tail -5 "$log" >&2; return 1; }
    sleep 0.2
  done
  echo "twf $name did not start within $READY_SECONDS s (log: $log)" >&2
  return 1
}

start objectstore "$DIR/objectstore.log" "$TWF" objectstore --dir "$DIR/objectstore" --port "$S3_PORT" \
  --bucket "$BUCKET"
echo "S3 (SeaweedFS) on http://127.0.0.1:$S3_PORT, TWF_STORAGE_URL=$TWF_STORAGE_URL"
start dask-cluster "$DIR/dask-cluster.log" "$TWF" dask-cluster --port "$DASK_PORT" --workers "$DASK_WORKERS"
echo "Dask scheduler tcp://127.0.0.1:$DASK_PORT with $DASK_WORKERS workers"

# Each in a process group of its own, waited for in the background: a signal stops this script at once (bash
# runs traps only between commands) and `stop_all` stops the whole group (make and its scheduler).
setsid "$MAKE" --no-print-directory demo-data \
  SCHEDULER_FLAGS="--executor dask --dask-scheduler tcp://127.0.0.1:$DASK_PORT" &
build=$!
started+=("$build")
wait "$build"
unset 'started[-1]'

echo "Serving the demo from s3://$BUCKET/v3 at http://$HOST:$PORT/ (Ctrl-C stops everything)"
setsid "$TWF" serve --host "$HOST" --port "$PORT" &
started+=($!)
wait "${started[-1]}"
