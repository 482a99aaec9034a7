/**
 * Which frames the map keeps loaded: a window around the frame on screen, not the whole run (a GFS run has 209
 * frames; a source and layer for each would hold hundreds of tile sets). Playback only moves forward and wraps,
 * so the window looks further ahead than behind, and wraps too.
 */

/** Frames kept loaded after the current one: 1.5 s of playback at 8 fps. */
export const PREFETCH_AHEAD = 12;
/** Frames kept loaded before it, for stepping back. */
export const PREFETCH_BEHIND = 2;

/** Indexes to keep loaded around `index` of `count` frames, most urgent first (the frame itself, then ahead). */
export function prefetchWindow(count: number, index: number, ahead = PREFETCH_AHEAD, behind = PREFETCH_BEHIND): number[] {
  if (count <= 0) return [];
  const at = Math.min(Math.max(index, 0), count - 1);
  const order = [at];
  for (let d = 1; d <= ahead; d += 1) order.push((at + d) % count);
  for (let d = 1; d <= behind; d += 1) order.push((at - d + count) % count);
  return [...new Set(order)];
}
