import { beforeAll, describe, expect, it } from 'vitest';
import { PREFETCH_AHEAD, PREFETCH_BEHIND } from '../lib/prefetch';
import type { Frame } from '../lib/types';
import { FrameLayers, type FrameMap } from './frameLayers';

/**
 * The part of a MapLibre map FrameLayers talks to, keeping sources and layers in plain maps: a source counts as
 * loaded once `loadAll` (the tiles arriving) has run after it was added.
 */
class SourceBook {
  readonly sources = new Set<string>();
  readonly layers = new Map<string, number>(); // id → raster-opacity
  private readonly loaded = new Set<string>();
  peak = 0;
  on(): void {}
  once(): void {}
  triggerRepaint(): void {}
  getLayer(id: string) { return this.layers.has(id) ? {} : undefined; }
  getSource(id: string) { return this.sources.has(id) ? {} : undefined; }
  isSourceLoaded(id: string): boolean { return this.loaded.has(id); }
  addSource(id: string): void {
    this.sources.add(id);
    this.peak = Math.max(this.peak, this.sources.size);
  }
  addLayer(layer: { id: string }): void { this.layers.set(layer.id, 0); }
  removeLayer(id: string): void { this.layers.delete(id); }
  removeSource(id: string): void { this.sources.delete(id); this.loaded.delete(id); }
  setPaintProperty(id: string, _name: string, value: number): void { this.layers.set(id, value); }
  loadAll(): void { for (const id of this.sources) this.loaded.add(id); }
  visible(): string[] { return [...this.layers].filter(([, opacity]) => opacity === 1).map(([id]) => id); }
}

function run(variable: string, count: number): Frame[] {
  return Array.from({ length: count }, (_, fh) => ({
    fh, valid_time: '', overlays: {}, tile_url: `/tiles/v3/gfs/20260129_12z/${variable}/${fh}/{z}/{x}/{y}.png`,
  }) as unknown as Frame);
}

function layers(book: SourceBook): FrameLayers {
  return new FrameLayers(book as unknown as FrameMap, 'http://127.0.0.1', () => {});
}

beforeAll(() => {
  globalThis.requestAnimationFrame = ((callback: FrameRequestCallback) => setTimeout(() => callback(0), 0)) as never;
});

describe('frame layers', () => {
  it('hold a bounded window of sources while playing through a 209-frame GFS run', () => {
    const book = new SourceBook();
    const frames = layers(book);
    frames.setFrames(run('tmp2m', 209), 0);
    for (let i = 0; i < 2 * 209; i += 1) {
      book.loadAll();
      frames.show(i % 209);
    }
    expect(book.peak).toBeLessThanOrEqual(1 + PREFETCH_AHEAD + PREFETCH_BEHIND + 1);
    expect(frames.sourceCount).toBe(1 + PREFETCH_AHEAD + PREFETCH_BEHIND);
    expect(book.layers.size).toBe(book.sources.size);
  });

  it('load the first frame alone, then prefetch the frames ahead of it', () => {
    const book = new SourceBook();
    const frames = layers(book);
    frames.setFrames(run('tmp2m', 49), 5);
    expect([...book.sources]).toEqual(['twf-frame:/tiles/v3/gfs/20260129_12z/tmp2m/5/{z}/{x}/{y}.png']);
    book.loadAll();
    frames.show(5);
    expect(book.sources.size).toBe(1 + PREFETCH_AHEAD + PREFETCH_BEHIND);
    expect(book.sources.has('twf-frame:/tiles/v3/gfs/20260129_12z/tmp2m/17/{z}/{x}/{y}.png')).toBe(true);
  });

  it('keep the frame on screen after a variable switch until the new one is loaded, then drop the old run', () => {
    const book = new SourceBook();
    const frames = layers(book);
    frames.setFrames(run('tmp2m', 49), 0);
    book.loadAll();
    frames.show(0);
    frames.setFrames(run('refc', 49), 0);
    expect(book.visible()).toEqual(['twf-frame:/tiles/v3/gfs/20260129_12z/tmp2m/0/{z}/{x}/{y}.png']);
    expect([...book.sources].filter((id) => id.includes('/tmp2m/'))).toHaveLength(1);
    book.loadAll();
    frames.show(0);
    expect(book.visible()).toEqual(['twf-frame:/tiles/v3/gfs/20260129_12z/refc/0/{z}/{x}/{y}.png']);
    expect([...book.sources].some((id) => id.includes('/tmp2m/'))).toBe(false);
  });
});
