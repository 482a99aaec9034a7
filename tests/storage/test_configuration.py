"""A store that cannot be used (unreachable endpoint, wrong credentials, missing bucket, malformed URL) is one
clear line on stderr and a non-zero exit, before anything is written: nothing is published."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import S3_BUCKET, s3_environ, s3_store

from twf.storage.seaweed import free_ports

RUN = "20260129_17z"


def bad_configurations(object_server) -> dict[str, tuple[dict[str, str], str]]:
    """case → (environment, what the line must say)."""
    closed = free_ports(1)[0]
    good = object_server.url(S3_BUCKET, "bad-config")
    return {
        "unreachable endpoint": (s3_environ(f"s3://{S3_BUCKET}/x?endpoint=http://127.0.0.1:{closed}"),
                                 "the endpoint cannot be reached"),
        "wrong credentials": (s3_environ(good) | {"AWS_SECRET_ACCESS_KEY": "not-the-secret"},
                              "wrong credentials"),
        "unknown access key": (s3_environ(good) | {"AWS_ACCESS_KEY_ID": "nobody"}, "wrong credentials"),
        "missing bucket": (s3_environ(object_server.url("no-such-bucket")), "the bucket does not exist"),
        "malformed url": (s3_environ("s3:/twf-test/x"), "is not s3://BUCKET"),
        "malformed endpoint": (s3_environ(f"s3://{S3_BUCKET}/x?endpoint=ftp://127.0.0.1"), "http(s)://HOST"),
        "missing credentials": (s3_environ(good) | {"AWS_ACCESS_KEY_ID": ""}, "no credentials"),
    }


CASES = ["unreachable endpoint", "wrong credentials", "unknown access key", "missing bucket", "malformed url",
         "malformed endpoint", "missing credentials"]


def twf(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "twf", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def assert_one_line(done: subprocess.CompletedProcess, command: str, words: str) -> None:
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"twf {command}: error: ") and words in lines[0], lines


@pytest.mark.parametrize("case", CASES)
def test_a_scheduler_on_a_bad_s3_configuration_says_why_in_one_line_and_publishes_nothing(
        object_server, synthetic_mirror: Path, case: str) -> None:
    env, words = bad_configurations(object_server)[case]
    done = twf(env, "scheduler", "--model", "hrrr", "--once", "--run", RUN, "--vars", "tmp2m",
               "--source", f"mirror:{synthetic_mirror}")
    assert_one_line(done, "scheduler", words)
    assert list(s3_store(object_server.url(S3_BUCKET, "bad-config")).list("")) == []  # nothing published


@pytest.mark.parametrize("command", [["check", "--model", "hrrr"], ["serve", "--port", "1"]])
def test_check_and_serve_refuse_an_unusable_s3_store_in_one_line(object_server, command: list[str]) -> None:
    env, words = bad_configurations(object_server)["wrong credentials"]
    assert_one_line(twf(env, *command), command[0], words)
