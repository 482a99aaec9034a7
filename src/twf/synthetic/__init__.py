"""Synthetic GRIB2 on the real model grids: test fixtures and the offline demo's data."""
