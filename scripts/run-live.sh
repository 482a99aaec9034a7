#!/usr/bin/env bash
# `make run`: the live scheduler of one model (needs internet: NOAA buckets / NOMADS) in the background,
# `twf serve` in the foreground. Ctrl-C stops the server; the scheduler then gets SIGTERM and stops between
# frames (a kill at any point is safe too: the next start resumes from the committed manifest).
set -euo pipefail

TWF=${TWF:-.venv/bin/twf}
MODEL=${MODEL:-hrrr}
WORKERS=${WORKERS:-2}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8200}
LOG_DIR=${LOG_DIR:-./data/logs}

mkdir -p "$LOG_DIR"
log="$LOG_DIR/scheduler-$MODEL.log"
"$TWF" scheduler --model "$MODEL" --workers "$WORKERS" >>"$log" 2>&1 &
scheduler=$!
trap 'kill -TERM "$scheduler" 2>/dev/null || true; wait "$scheduler" 2>/dev/null || true' EXIT
echo "scheduler for $MODEL running (pid $scheduler), log: $log"
echo "serving http://$HOST:$PORT/ (Ctrl-C stops both)"
"$TWF" serve --host "$HOST" --port "$PORT"
