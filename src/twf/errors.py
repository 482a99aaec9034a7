"""Named errors of the domain.

The CLI maps them to exit codes and the API to HTTP statuses, each in one place.
"""


class TWFError(Exception):
    """Base of every error the project raises on purpose; its message is one line meant for a user."""

    exit_code = 1
    http_status = 400
    permanent = False  # waiting cannot cure it: the scheduler gives the frame up without retrying


class UnknownModel(TWFError):
    """The model id is not in the registry."""

    exit_code = 2
    http_status = 404


class UnknownVariable(TWFError):
    """The variable is not defined for this model."""

    exit_code = 2
    http_status = 404


class InvalidRunId(TWFError):
    """A run id that is not `YYYYMMDD_HHz` or not a cycle the model runs."""

    exit_code = 2
    http_status = 400


class ForecastHourOutOfRange(TWFError):
    """The forecast hour is not one the model produces for that cycle."""

    exit_code = 2
    http_status = 404


class InvalidPathSegment(TWFError):
    """A path segment that could leave the data root or is not a plain identifier."""

    exit_code = 2
    http_status = 400


class MessageNotFound(TWFError):
    """A GRIB message the variable needs is in none of the given files."""

    exit_code = 3
    http_status = 404


class RecordAbsent(MessageNotFound):
    """A record a complete, stable inventory (a local mirror's, or one whose Last-Modified is old enough) does
    not hold readably, on every source tried: it will not appear by waiting."""

    permanent = True


class CorruptGrib(TWFError):
    """A GRIB file that GDAL cannot read, or that is truncated."""

    exit_code = 3
    http_status = 502


class ImplausibleInput(TWFError):
    """Decoded inputs that cannot be what the variable needs (a profile with no level above ground, a
    surface pressure in the wrong unit): that frame fails, the run goes on."""

    exit_code = 3
    http_status = 502


class MissingRunningTotal(TWFError):
    """A running-total frame (Kuchera snowfall) whose predecessor's total is not in staging: it is built
    once the frame it continues is."""

    exit_code = 3
    http_status = 404


class GridDrift(TWFError):
    """A built raster whose CRS, transform or shape is not its model's canonical grid."""

    exit_code = 4
    http_status = 500


class InvalidFrame(TWFError):
    """A built frame whose files are missing, unreadable or inconsistent with its sidecar."""

    exit_code = 4
    http_status = 500


class FetchError(TWFError):
    """A download that did not return exactly the bytes asked for."""

    exit_code = 5
    http_status = 502


class NotPublished(TWFError):
    """The run, variable or frame is not in committed (published) state."""

    exit_code = 6
    http_status = 404


class OutOfBounds(TWFError):
    """A tile or point outside the canonical extent or the model's data: expected control flow (204)."""

    exit_code = 0
    http_status = 204


class InvalidManifest(TWFError):
    """A manifest or LATEST.json that is not valid JSON of the contract's schema: committed state damaged."""

    exit_code = 7
    http_status = 500


class DamagedSeries(TWFError):
    """A series store whose document or segment is not what the contract describes (a failed checksum, a
    chunk of another size, a document of another schema): readers read the frames instead, `twf check
    --fix` rebuilds it."""

    exit_code = 7
    http_status = 500


class ArtifactUnreadable(TWFError):
    """A published raster whose stored bytes do not decode (a damaged or truncated object)."""

    exit_code = 7
    http_status = 500


class NotYetAvailable(FetchError):
    """An upstream file that is not there yet (404) or still changing (recent Last-Modified): try later."""

    exit_code = 8
    http_status = 404


class InvalidParameter(TWFError):
    """A request parameter that is malformed or out of range (lat/lon, tile z/x/y, tile size)."""

    exit_code = 2
    http_status = 400


class NotComparable(TWFError):
    """Two frames whose difference means nothing: different quantities, or a categorical field."""

    exit_code = 2
    http_status = 400


class TooManyPoints(TWFError):
    """A batch request with more points than one request may carry."""

    exit_code = 2
    http_status = 413


class BodyTooLarge(TWFError):
    """A request body larger than the route accepts."""

    exit_code = 2
    http_status = 413


class InvalidSetting(TWFError):
    """An environment setting that cannot be used as given (see the README's configuration table)."""

    exit_code = 2
    http_status = 500


class Unauthorized(TWFError):
    """A protected route asked for without its bearer token, or with a wrong one."""

    exit_code = 2
    http_status = 401


class RequestTooLarge(TWFError):
    """A render larger than the service allows (too many frames, too wide): refused before any work."""

    exit_code = 2
    http_status = 413


class ObjectNotFound(NotPublished):
    """The store holds no object under that key."""


class WriteConflict(TWFError):
    """A conditional write lost: another writer (a second scheduler of the model) committed first."""

    exit_code = 9
    http_status = 409


class StorageUnavailable(TWFError):
    """The configured store cannot be used: malformed TWF_STORAGE_URL, unreachable endpoint, wrong
    credentials or a missing bucket."""

    exit_code = 10
    http_status = 503


class ExecutorUnavailable(TWFError):
    """The builds cannot run where `twf scheduler` was told to run them: a bad --workers, or a Dask scheduler
    that is malformed, unreachable or has no worker."""

    exit_code = 11
