"""The frames this package's tests write synthetic files for (see `frame_files` in conftest)."""

# model → (run, file hours, frame hour). At each frame hour the file holds every kind of message the model's
# variables read (instantaneous fields, run totals, buckets, bucket averages, hourly maxima, profiles);
# earlier hours hold the buckets and run totals the frame also reads (a 1-hour change reads the hour before).
FRAMES = {
    "hrrr": ("20260129_17z", (1, 2), 2),
    "gfs": ("20260129_12z", (1, 6, 7), 7),
    "nam": ("20260129_12z", (3, 4), 4),
    "nbm": ("20260129_17z", (1, 2), 2),
}
