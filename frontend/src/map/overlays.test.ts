import { describe, expect, it } from 'vitest';
import { BARB_MAX_KT, barbParts } from './barbIcons';
import { addBarbImages, overlayLayers, overlaySource, setOverlays, type OverlayMap, type ShownOverlay } from './overlays';
import { LINES_BELOW, SYMBOLS_BELOW } from './style';

/** The part of a MapLibre map `setOverlays` talks to: sources with their data, layers in order of addition. */
class OverlayBook {
  readonly data = new Map<string, unknown>();
  readonly layers: { id: string; below: string }[] = [];
  readonly images: string[] = [];
  hasImage(id: string): boolean { return this.images.includes(id); }
  addImage(id: string): void { this.images.push(id); }
  getLayer(id: string) { return this.layers.some((l) => l.id === id) ? {} : undefined; }
  getSource(id: string) {
    return this.data.has(id) ? { setData: (data: unknown) => this.data.set(id, data) } : undefined;
  }
  addSource(id: string, source: { data: unknown }): void { this.data.set(id, source.data); }
  removeSource(id: string): void { this.data.delete(id); }
  addLayer(layer: { id: string }, below: string): void { this.layers.push({ id: layer.id, below }); }
  removeLayer(id: string): void { this.layers.splice(this.layers.findIndex((l) => l.id === id), 1); }
}

const url = (fh: number, key: string) => `http://127.0.0.1/api/v3/gfs/20260129_12z/mslp/${fh}/overlays/${key}`;
const isobars = (fh: number): ShownOverlay => ({ key: 'isobars', kind: 'isolines', url: url(fh, 'isobars') });
const centres = (fh: number): ShownOverlay => ({ key: 'centres', kind: 'centres', url: url(fh, 'centres') });

describe('overlays', () => {
  it('get a source each, lines under the boundaries and labels under the city names', () => {
    const book = new OverlayBook();
    setOverlays(book as unknown as OverlayMap, [isobars(6), centres(6)]);
    expect([...book.data]).toEqual([[overlaySource('isobars'), url(6, 'isobars')], [overlaySource('centres'), url(6, 'centres')]]);
    expect(book.layers).toEqual([
      { id: 'overlay:isobars:lines', below: LINES_BELOW },
      { id: 'overlay:isobars:labels', below: SYMBOLS_BELOW },
      { id: 'overlay:centres:centres', below: SYMBOLS_BELOW },
    ]);
  });

  it('follow the frame by re-pointing their sources, and go when toggled off', () => {
    const book = new OverlayBook();
    const map = book as unknown as OverlayMap;
    setOverlays(map, [isobars(6), centres(6)]);
    setOverlays(map, [isobars(7), centres(7)]);
    expect(book.data.get(overlaySource('isobars'))).toBe(url(7, 'isobars'));
    expect(book.layers).toHaveLength(3);
    setOverlays(map, [centres(7)]);
    expect([...book.data.keys()]).toEqual([overlaySource('centres')]);
    expect(book.layers.map((l) => l.id)).toEqual(['overlay:centres:centres']);
    setOverlays(map, []);
    expect(book.data.size + book.layers.length).toBe(0);
  });

  it('draw barbs from their own zoom band on, turned to where the wind blows from', () => {
    const [{ layer }] = overlayLayers('barbs', 'barbs');
    expect(layer).toMatchObject({
      filter: ['<=', ['get', 'zoom'], ['zoom']],
      layout: { 'icon-rotate': ['get', 'dir'], 'icon-rotation-alignment': 'map' },
    });
  });
});

describe('barb icons', () => {
  it('are all there, every 5 kt, before a barb layer asks for one, and are drawn once', () => {
    const book = new OverlayBook();
    const drawn: number[] = [];
    const draw = (kt: number) => { drawn.push(kt); return {} as ImageData; };
    addBarbImages(book as unknown as OverlayMap, draw);
    addBarbImages(book as unknown as OverlayMap, draw);
    expect(book.images).toEqual(Array.from({ length: BARB_MAX_KT / 5 + 1 }, (_, i) => `barb-${i * 5}`));
    expect(drawn).toHaveLength(book.images.length);
  });
});

describe('barb parts', () => {
  it('round to 5 kt: a pennant per 50, a full barb per 10, a half barb for 5', () => {
    expect(barbParts(1)).toEqual({ pennants: 0, full: 0, half: 0 });
    expect(barbParts(4)).toEqual({ pennants: 0, full: 0, half: 1 });
    expect(barbParts(23)).toEqual({ pennants: 0, full: 2, half: 1 });
    expect(barbParts(65)).toEqual({ pennants: 1, full: 1, half: 1 });
    expect(barbParts(102)).toEqual({ pennants: 2, full: 0, half: 0 });
  });
});
