/** Viewer defaults and build-time configuration. Region presets are NOT here: they come from `/api/regions`. */

export const DEFAULT_MODEL = 'hrrr';
export const DEFAULT_RUN = 'latest';
export const DEFAULT_VAR = 'tmp2m';

/** Playback speeds offered, in frames per second; 8 fps is the smoothness target. */
export const SPEEDS_FPS = [2, 4, 8, 12] as const;
export const DEFAULT_SPEED_FPS = 4;

/** Hover sampling waits for the pointer to rest this long, so a sweep of the mouse costs one request. */
export const SAMPLE_DEBOUNCE_MS = 120;

/**
 * Optional online basemap (an XYZ raster template) under the data, set at build time with
 * `VITE_TWF_BASEMAP_TILES`; empty means the offline boundaries-only map.
 */
export const BASEMAP_TILES: string = import.meta.env.VITE_TWF_BASEMAP_TILES ?? '';
export const BASEMAP_ATTRIBUTION: string = import.meta.env.VITE_TWF_BASEMAP_ATTRIBUTION ?? '';
