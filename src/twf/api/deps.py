"""Shared resources of one app (store, caches), created once and handed to routes as a dependency."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from twf.api.difference_cache import DifferenceCache
from twf.api.manifest_cache import ManifestCache
from twf.api.raster_cache import RasterCache
from twf.api.tile_render import premultiply
from twf.config import Settings
from twf.store import Store

# Value COGs are 4× coarser (1 MB for a 3 km frame): 256 MiB keeps a few hundred frames hot for hover.
VALUE_CACHE_BYTES = 256 << 20


@dataclass
class Services:
    settings: Settings
    store: Store = field(init=False)
    manifests: ManifestCache = field(init=False)
    rgba: RasterCache = field(init=False)
    values: RasterCache = field(init=False)
    differences: DifferenceCache = field(init=False)

    def __post_init__(self) -> None:
        self.store = Store(self.settings.data_root)
        self.manifests = ManifestCache(self.store)
        self.rgba = RasterCache(prepare=premultiply)
        self.values = RasterCache(max_bytes=VALUE_CACHE_BYTES)
        self.differences = DifferenceCache(self.values)


def get_services(request: Request) -> Services:
    return request.app.state.services
