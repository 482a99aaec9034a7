"""TWF Models v3: NOAA GRIB2 → canonical CONUS EPSG:3857 forecast-map artifacts, served over HTTP.

Data flows through the package in this order:
models/ (knowledge) → fetch/ → builder/ (decode, derive, warp, colorize, overlays, cog_writer, pipeline)
→ store.py / publish.py / scheduler.py → api/ (discovery, regions, sample, overlays, tiles).
"""

CONTRACT_VERSION = "3.1"  # 3.1: per-frame overlays (isolines, H/L centres, wind barbs) replace contours
