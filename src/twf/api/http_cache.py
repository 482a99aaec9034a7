"""Cache-Control rules and JSON ETags (docs/API.md "Caching"): one place decides how long a response lives."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import Request, Response

# Frames are never rewritten in place, so anything addressed by a concrete run id can be cached for good.
IMMUTABLE = "public, max-age=31536000, immutable"
# `latest` moves when a new run is committed: short enough that viewers pick up a new run within a minute.
SHORT = "public, max-age=30"
# Discovery JSON of a concrete run changes while the run is still filling; the ETag makes revalidation cheap.
RUN_JSON = "public, max-age=60"
REGIONS = "public, max-age=300"
NO_STORE = "no-store"


def frame_cache_control(via_latest: bool) -> str:
    """Tiles, samples and overlays."""
    return SHORT if via_latest else IMMUTABLE


def discovery_cache_control(via_latest: bool) -> str:
    return SHORT if via_latest else RUN_JSON


@dataclass(frozen=True)
class JsonBody:
    content: bytes
    etag: str


def json_body(data: Any) -> JsonBody:
    """Compact UTF-8 JSON (orjson: a series of 2,500 points in 0.15 ms, `json` takes 3 ms) and its ETag."""
    content = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
    return JsonBody(content, '"' + hashlib.blake2b(content, digest_size=12).hexdigest() + '"')


def _matches(if_none_match: str, etag: str) -> bool:
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags


def json_response(request: Request, body: JsonBody, cache_control: str,
                  media_type: str = "application/json") -> Response:
    """200 with the body, or 304 when the client already holds this ETag."""
    headers = {"ETag": body.etag, "Cache-Control": cache_control}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match and _matches(if_none_match, body.etag):
        return Response(status_code=304, headers=headers)
    return Response(body.content, media_type=media_type, headers=headers)
