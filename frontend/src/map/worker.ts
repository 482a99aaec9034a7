/**
 * MapLibre 6 starts its worker from a file next to its own module; once bundled, that file is wherever Vite
 * puts the asset, so we tell MapLibre the URL Vite gives it (the worker bundle is self-contained).
 */
import { setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

setWorkerUrl(workerUrl);
