"""HTTP side of the system: discovery from committed manifests, regions, sample, overlays and PNG tiles.

Routes only translate HTTP ↔ domain; the caches (`manifest_cache`, `raster_cache`) hold what the hot paths
need so that a request costs a few `stat` calls, never a directory scan or a repeated file open.
"""
