/**
 * In-browser timing of the animation, read by the end-to-end tests and `e2e/perf.mjs` through
 * `window.__twfPerf`. Times are milliseconds since navigation start (`performance.now()`).
 */

export interface ViewerPerf {
  /** First forecast frame fully loaded and painted. */
  firstFrameMs: number | null;
  /** Every frame of the current view loaded (prefetch done) for the current dataset. */
  allFramesReadyMs: number | null;
  /** Frames in the current dataset and how many are fully loaded for the current view. */
  frameCount: number;
  readyCount: number;
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
  /** performance.now() of the last click or tap that opened a point forecast. */
  pointPickedAt: number | null;
  /** ms from that click to every meteogram chart drawn. */
  pointChartMs: number | null;
}

export const perf: ViewerPerf = {
  firstFrameMs: null,
  allFramesReadyMs: null,
  frameCount: 0,
  readyCount: 0,
  shownFh: null,
  switchMs: [],
  paints: [],
  swapWorkMs: [],
  stalls: 0,
  advances: [],
  pointPickedAt: null,
  pointChartMs: null,
};

declare global {
  interface Window {
    __twfPerf?: ViewerPerf;
  }
}

if (typeof window !== 'undefined') window.__twfPerf = perf;
