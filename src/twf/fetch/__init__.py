"""Fetch: exactly the GRIB2 messages a frame needs, by `.idx` byte ranges, from NOAA's buckets, NOMADS,
Google Cloud or a local mirror, validated so that the builder never sees a wrong or partial field.

    idx        inventory parsing, exact selection, inclusive ranges, merging
    sources    where a model's files are (named sources, mirror folders, base URLs)
    transport  pooled HTTP, retries/backoff, the machine-wide per-host budget (`budget`); `file://` reads
    validate   206 / Content-Range / length / GRIB...7777 checks, Last-Modified stability
    cache      atomic, size-bounded cache of validated ranges
    inventory  `.idx` responses kept a few seconds in the process (no re-download per variable or run total)
    frame      `fetch_frame` / `fetch_frame_files`; a record a stable inventory lacks is `RecordAbsent`
    explain    `twf fetch --explain`: the lines and byte ranges a frame would read, from the inventories alone
    discovery  `available_hours` / `latest_run`
"""

from twf.fetch.cache import DownloadCache
from twf.fetch.discovery import available_hours, latest_run
from twf.fetch.frame import FetchedFile, fetch_frame, fetch_frame_files
from twf.fetch.sources import Source, default_sources, parse_source
from twf.fetch.transport import Transport, TransportPolicy

__all__ = [
    "DownloadCache", "FetchedFile", "Source", "Transport", "TransportPolicy", "available_hours",
    "default_sources", "fetch_frame", "fetch_frame_files", "latest_run", "parse_source",
]
