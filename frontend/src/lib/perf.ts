/**
 * In-browser timing of the animation, read by the end-to-end tests and `e2e/perf.mjs` through
 * `window.__twfPerf`. Times are milliseconds since navigation start (`performance.now()`). The per-swap lists
 * keep only the newest `PERF_HISTORY` entries (`record`), so hours of playback never grow them.
 */

/** Entries kept per list: ~30 s of playback at 8 fps. */
export const PERF_HISTORY = 256;

export interface ViewerPerf {
  /** First forecast frame fully loaded and painted. */
  firstFrameMs: number | null;
  /** Every frame of the prefetch window (lib/prefetch) loaded for the current dataset and view. */
  allFramesReadyMs: number | null;
  /** Frames in the current dataset and how many are fully loaded for the current view. */
  frameCount: number;
  readyCount: number;
  /** Raster sources the map holds for forecast frames (bounded by the prefetch window). */
  sourceCount: number;
  /** fh of the frame on screen. */
  shownFh: number | null;
  /** Per swap: ms from the swap request to the painted frame. */
  switchMs: number[];
  /** performance.now() of each painted swap. */
  paints: number[];
  /** Per swap: main-thread ms spent making the swap (opacity flips), before the browser paints it. */
  swapWorkMs: number[];
  /** Playback ticks that found the next frame not yet loaded and waited instead of swapping. */
  stalls: number;
  /** performance.now() of each playback advance. */
  advances: number[];
  /** When the last click or tap that opened a point forecast happened (its event `timeStamp`, same clock). */
  pointPickedAt: number | null;
  /** ms from that click to every meteogram chart drawn. */
  pointChartMs: number | null;
}

export const perf: ViewerPerf = {
  firstFrameMs: null,
  allFramesReadyMs: null,
  frameCount: 0,
  readyCount: 0,
  sourceCount: 0,
  shownFh: null,
  switchMs: [],
  paints: [],
  swapWorkMs: [],
  stalls: 0,
  advances: [],
  pointPickedAt: null,
  pointChartMs: null,
};

/** Appends to one of the lists above, dropping its oldest entries past `PERF_HISTORY` (a bounded ring). */
export function record(list: number[], value: number): void {
  list.push(value);
  if (list.length > PERF_HISTORY) list.splice(0, list.length - PERF_HISTORY);
}

declare global {
  interface Window {
    __twfPerf?: ViewerPerf;
  }
}

if (typeof window !== 'undefined') window.__twfPerf = perf;
