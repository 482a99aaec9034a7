"""The cross-origin policy (TWF_CORS_ORIGINS): explicit, read-only, JSON errors.

Without the setting no CORS header is sent: only pages of the server's own origin (the bundled viewer) read
the API, and browsers refuse other sites' reads. With it, the listed origins (or `*`) may GET/HEAD the API
and tiles and POST a sample batch (a read too long for a URL), send `If-None-Match` and read `ETag`; never
with credentials (the API has no cookies). A preflight outside that policy is a JSON 400 like every other
error.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from twf.api.errors import error_response

METHODS = ("GET", "HEAD", "POST")  # POST: the read-only sample batch (a query too long for a URL)
REQUEST_HEADERS = ("If-None-Match", "Content-Type")
EXPOSED_HEADERS = ("ETag",)
PREFLIGHT_MAX_AGE_S = 600


class _JsonCORSMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code == 200:
            return response
        detail = bytes(response.body).decode(errors="replace")
        return error_response(response.status_code, "cors_refused", detail)


def install_cors(app: FastAPI, origins: tuple[str, ...]) -> None:
    if not origins:
        return
    app.add_middleware(_JsonCORSMiddleware, allow_origins=list(origins), allow_methods=list(METHODS),
                       allow_headers=list(REQUEST_HEADERS), expose_headers=list(EXPOSED_HEADERS),
                       allow_credentials=False, max_age=PREFLIGHT_MAX_AGE_S)
