"""TWF Models v3: NOAA GRIB2 → canonical CONUS EPSG:3857 forecast-map artifacts, served over HTTP.

Data flows through the package in this order:
models/ (knowledge) → fetch/ → builder/ (decode, derive, warp, colorize, contours, cog_writer, pipeline)
→ store.py / publish.py / scheduler.py → api/ (discovery, regions, sample, contours, tiles).
"""

CONTRACT_VERSION = "3.0"
