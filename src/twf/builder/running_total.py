"""Where running totals (`VarSpec.running`, Kuchera snowfall) keep the native-grid total of each built frame,
so the next frame adds its newest bucket instead of re-reading every bucket since f000.

One `.npy` object per frame under the run's `_totals/{var}/` prefix beside the variable prefixes
(`twf.store.running_totals`), in the frame's storage (`twf.storage`), written whole before the frame itself
is placed, so a committed frame always left its total behind. The scheduler removes the prefix once the run
is done. All reads and writes of these objects are here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from twf.errors import MissingRunningTotal, ObjectNotFound
from twf.storage import ObjectStore
from twf.store import frame_stem, running_totals


@dataclass(frozen=True)
class RunningTotals:
    storage: ObjectStore
    var_prefix: str  # where the variable's frames go; the totals sit beside it

    def key(self, fh: int) -> str:
        return f"{running_totals(self.var_prefix)}/{frame_stem(fh)}.npy"

    def read(self, fh: int | None, shape: tuple[int, int]) -> np.ndarray:
        """The total of frame `fh` (float32, native grid); zeros when `fh` is None (the run's start)."""
        if fh is None:
            return np.zeros(shape, dtype=np.float32)
        try:
            total = np.load(io.BytesIO(self.storage.get(self.key(fh))), allow_pickle=False)
        except ObjectNotFound:
            raise MissingRunningTotal(f"the running total of f{fh:03d} is not built yet "
                                      f"({self.key(fh)})") from None
        except (OSError, ValueError) as exc:
            raise MissingRunningTotal(f"the running total of f{fh:03d} is unreadable: {exc}") from None
        if total.shape != shape or total.dtype != np.float32:
            raise MissingRunningTotal(f"the running total of f{fh:03d} is {total.dtype} {total.shape}, "
                                      f"not float32 {shape}")
        return total

    def write(self, fh: int, total: np.ndarray) -> None:
        """Store frame `fh`'s total; it appears whole or not at all (`ObjectStore.put`)."""
        out = io.BytesIO()
        np.save(out, total.astype(np.float32, copy=False), allow_pickle=False)
        self.storage.put(self.key(fh), out.getvalue())
