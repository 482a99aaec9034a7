"""Hostile path and query segments: every one answers a JSON 4xx and nothing outside the data root is read.

Paths are sent byte for byte (http.client), so `..` and percent-encodings reach the server unnormalised.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from tests.api.conftest import Published, Server
from tests.conftest import HRRR_RUN

CORPUS = [
    "..", "%2e%2e", "%2E%2E", ".", "%2e", "...", "..%2f..%2fsecret.json", "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2fetc%2fpasswd", "%2f", "..%5c..%5csecret.json", "%5c", "\\..\\..", "%00", "hrrr%00", "hrrr%00.json",
    "%252e%252e", "..%252f", "....%2f%2f", "..;", "~", "%7e", "x" * 4000, "%c3%a9t%c3%a9", "%e2%80%ae",
    "%ef%bc%8e%ef%bc%8e", "HRRR", "hrrr%20", "%20", "latest%2f..", "1e3", "0x10", "%ff%fe",
]

TEMPLATES = [
    "/api/v3/{model}/runs",
    "/api/v3/{model}/{run}/vars",
    "/api/v3/{model}/{run}/manifest",
    "/api/v3/{model}/{run}/{var}/frames",
    "/api/v3/{model}/{run}/{var}/{fh}/overlays/{key}",
    "/tiles/v3/{model}/{run}/{var}/{fh}/{z}/{x}/{y}.png",
]
GOOD = {"model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fh": "1", "key": "iso2f", "z": "6", "x": "14",
        "y": "23"}
SAMPLE_PARAMS = {"model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fh": "1", "lat": "40", "lon": "-100"}


def hostile_paths() -> list[str]:
    paths = []
    for template in TEMPLATES:
        names = [n for n in GOOD if "{" + n + "}" in template]
        for name in names:
            for payload in CORPUS:
                paths.append(template.format(**{**GOOD, name: payload}))
    for name in SAMPLE_PARAMS:
        for payload in CORPUS:
            query = "&".join(f"{k}={payload if k == name else v}" for k, v in SAMPLE_PARAMS.items())
            paths.append(f"/api/v3/sample?{query}")
    return paths


def assert_json_4xx(server: Server, path: str, published: Published) -> None:
    status, headers, body = server.raw_get(path)
    assert 400 <= status < 500, (path, status)
    assert headers["content-type"].startswith("application/json"), path
    assert json.loads(body)["error"], path
    assert b"must never be served" not in body and b"root:" not in body, path


def test_a_good_request_passes_so_the_corpus_is_meaningful(server: Server) -> None:
    for template in TEMPLATES:
        status, _, _ = server.raw_get(template.format(**GOOD))
        assert status == 200, template


def test_every_path_and_query_parameter_rejects_the_traversal_corpus(server: Server,
                                                                     published: Published) -> None:
    for path in hostile_paths():
        assert_json_4xx(server, path, published)


@pytest.mark.parametrize("path", [
    "/api/v3/hrrr/../../secret.json", "/api/v3/../../data/secret.json", "/tiles/v3/../../../etc/passwd",
    "/api/v3/hrrr/%2e%2e/%2e%2e/%2e%2e/secret.json", "/api/" + quote("../" * 8) + "etc/passwd",
    "/api/v3/hrrr/" + HRRR_RUN + "/tmp2m/1/overlays/..%2f..%2f..%2f..%2f..%2fsecret",
])
def test_dot_segments_in_the_raw_path_never_escape(server: Server, published: Published, path: str) -> None:
    assert_json_4xx(server, path, published)
