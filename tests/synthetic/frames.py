"""The frames this package's tests write synthetic files for (see `frame_files` in conftest)."""

# model → (run, file hours, frame hour). At each frame hour the file holds every kind of message the model's
# variables read (instantaneous fields, run totals, buckets, bucket averages); earlier hours hold buckets
# the frame also reads.
FRAMES = {
    "hrrr": ("20260129_17z", (2,), 2),
    "gfs": ("20260129_12z", (6, 7), 7),
    "nam": ("20260129_12z", (3, 4), 4),
    "nbm": ("20260129_17z", (1, 2), 2),
}
