"""The scheduler's parts: `state` (what a run still needs, retries and backoff), `worker` (fetch + build of
one forecast hour in a worker process) and `runner` (passes over a run, publishing as frames complete)."""
