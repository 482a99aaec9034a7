"""The one mapping of errors to HTTP: `{"error": code, "detail": message}`, never cacheable, never a 500.

Domain errors carry their status (`twf.errors`); a status ≥ 500 there means a damaged committed artifact,
which the API answers 503 (the client may retry; the operator's `twf check` finds it). Out-of-bounds is not
an error: 204 with an empty body, logged below warning level.
"""

from __future__ import annotations

import logging
import re

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from rasterio.errors import RasterioError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from twf.api.http_cache import NO_STORE
from twf.errors import OutOfBounds, TWFError

log = logging.getLogger("twf.api")

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


def error_code(exc: TWFError) -> str:
    """`UnknownModel` → `unknown_model`: the class name is the stable machine-readable code."""
    return _CAMEL.sub("_", type(exc).__name__).lower()


def error_response(status: int, code: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status,
                        headers={"Cache-Control": NO_STORE})


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TWFError)
    if isinstance(exc, OutOfBounds):
        log.debug("out of bounds: %s %s", request.url.path, exc)
        return Response(status_code=204, headers={"Cache-Control": NO_STORE})
    status = exc.http_status
    if status >= 500:
        log.error("damaged artifact behind %s: %s", request.url.path, exc)
        status = 503
    return error_response(status, error_code(exc), str(exc))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("path", "query"))
    return error_response(400, "invalid_parameter", f"{where}: {first.get('msg', 'invalid value')}")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


async def _unreadable(request: Request, exc: Exception) -> Response:
    log.error("cannot read artifact behind %s: %s", request.url.path, exc)
    return error_response(503, "artifact_unreadable", "a published artifact could not be read")


async def _client_left(request: Request, exc: Exception) -> Response:
    """The client closed its connection while its body was being read (a viewer aborts a label batch when the
    frame changes): nobody is there to answer, and nothing went wrong in the server."""
    log.debug("client left before its request body arrived: %s", request.url.path)
    return error_response(400, "client_disconnected", "the connection closed before the request body arrived")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TWFError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RasterioError, _unreadable)
    app.add_exception_handler(ClientDisconnect, _client_left)
