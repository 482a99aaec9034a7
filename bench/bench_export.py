"""Loop export on the demo runs (`make demo-data`): a 13-frame 720 px loop of HRRR tmp2m f00-f12, cold (a
fresh process state: no raster decoded, nothing cached), as GIF and MP4 over two regions; the same request
again (answered from the export cache); and 4 concurrent identical requests (rendered once).

Target (issue 13): a 13-frame 720 px loop in ≤ 4 s cold; concurrent identical exports render once.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time

from twf.config import load_settings

MODEL, RUN, VAR, FHS = "hrrr", "20260129_17z", "tmp2m", "0-12"


def main() -> None:
    from twf.api.deps import Services
    from twf.export.render import export_loop
    from twf.export.request import build_request

    settings = load_settings()
    if not (settings.data_root / "manifests" / MODEL / f"{RUN}.json").is_file():
        print(f"skipped: the demo runs are not in {settings.data_root} (make demo-data)")
        return
    rows = []
    for region in ("pnw", "conus"):
        for fmt in ("gif", "mp4"):
            request = build_request(MODEL, VAR, run=RUN, fhs=FHS, region=region, width=720, fmt=fmt)
            services = Services(dataclasses.replace(settings))
            t0 = time.perf_counter()
            result = export_loop(services, request)
            cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            export_loop(services, request)
            again = (time.perf_counter() - t0) * 1000
            view = request.view
            rows.append((f"{region} {fmt} {result.frames} frames {view.width}x{view.height}",
                         f"{cold:.2f} s", f"{again:.1f} ms", f"{len(result.content) / 1e6:.1f} MB"))
    request = build_request(MODEL, VAR, run=RUN, fhs=FHS, region="pnw", width=720)
    services = Services(dataclasses.replace(settings))
    t0 = time.perf_counter()
    threads = [threading.Thread(target=export_loop, args=(services, request)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    together = time.perf_counter() - t0
    print(f"{MODEL} {RUN} {VAR} f00-f12 from {settings.data_root}; {os.cpu_count()} cores; load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}; target: cold ≤ 4 s")
    print(f"{'export':34}  {'cold':>8}  {'cached':>9}  {'size':>7}")
    for name, cold, again, size in rows:
        print(f"{name:34}  {cold:>8}  {again:>9}  {size:>7}")
    print(f"4 concurrent identical pnw gif exports: {together:.2f} s, "
          f"rendered {services.exports.renders} time(s)")


if __name__ == "__main__":
    main()
