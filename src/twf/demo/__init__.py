"""Offline demo data: synthetic runs written into a bucket-layout mirror that the live pipeline reads."""
