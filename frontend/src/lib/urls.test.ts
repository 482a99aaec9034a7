import { describe, expect, it } from 'vitest';
import {
  apiPaths,
  DEFAULT_VIEW,
  searchFromView,
  tileTemplate,
  tileTemplate2x,
  tileUrl,
  viewFromSearch,
  type ViewState,
} from './urls';

const ORIGIN = 'http://127.0.0.1:8200';

describe('API paths', () => {
  it('carry only model, run, var and fh: never a region', () => {
    const paths = [
      apiPaths.runs('hrrr'),
      apiPaths.vars('hrrr', 'latest'),
      apiPaths.manifest('hrrr', '20260129_17z'),
      apiPaths.frames('hrrr', '20260129_17z', 'tmp2m'),
      apiPaths.sample({ model: 'hrrr', run: '20260129_17z', var: 'tmp2m', fh: 1, lat: 45.5, lon: -122.6 }),
    ];
    expect(paths).toEqual([
      '/api/v3/hrrr/runs',
      '/api/v3/hrrr/latest/vars',
      '/api/v3/hrrr/20260129_17z/manifest',
      '/api/v3/hrrr/20260129_17z/tmp2m/frames',
      '/api/v3/sample?model=hrrr&run=20260129_17z&var=tmp2m&fh=1&lat=45.5000&lon=-122.6000',
    ]);
    for (const p of paths) expect(p).not.toMatch(/region|pnw|conus/);
  });

  it('escape path segments so a hostile id cannot change the route', () => {
    expect(apiPaths.frames('hrrr', '../x', 'a/b')).toBe('/api/v3/hrrr/..%2Fx/a%2Fb/frames');
  });

  it('round sample coordinates to 4 decimals so nearby hovers share a cacheable URL', () => {
    const a = apiPaths.sample({ model: 'm', run: 'r', var: 'v', fh: 0, lat: 45.123449, lon: -122.000001 });
    expect(a).toContain('lat=45.1234&lon=-122.0000');
  });
});

describe('tile templates', () => {
  const frameTile = '/tiles/v3/hrrr/20260129_17z/tmp2m/1/{z}/{x}/{y}.png';

  it('become absolute with the {z}/{x}/{y} placeholders intact', () => {
    expect(tileTemplate(frameTile, ORIGIN)).toBe(`${ORIGIN}/tiles/v3/hrrr/20260129_17z/tmp2m/1/{z}/{x}/{y}.png`);
  });

  it('switch to the 512 px @2x variant for the map', () => {
    expect(tileTemplate2x(frameTile, ORIGIN)).toBe(`${ORIGIN}/tiles/v3/hrrr/20260129_17z/tmp2m/1/{z}/{x}/{y}@2x.png`);
  });

  it('expand to one concrete tile', () => {
    expect(tileUrl(tileTemplate(frameTile, ORIGIN), 6, 10, 22)).toBe(
      `${ORIGIN}/tiles/v3/hrrr/20260129_17z/tmp2m/1/6/10/22.png`,
    );
  });
});

describe('page URL view state', () => {
  it('defaults to HRRR, latest run, tmp2m and the API default region', () => {
    expect(viewFromSearch('')).toEqual(DEFAULT_VIEW);
    expect(DEFAULT_VIEW).toMatchObject({ model: 'hrrr', run: 'latest', var: 'tmp2m', region: null, camera: null });
  });

  it('round-trips a full view so a shared link reopens it', () => {
    const view: ViewState = {
      ...DEFAULT_VIEW, model: 'gfs', run: '20260129_12z', var: 'refc', fh: 12, region: 'conus',
      camera: { lat: 44.25, lon: -121.5, zoom: 6.5 }, point: { lat: 45.5231, lon: -122.6765 },
    };
    expect(searchFromView(view)).toContain('pt=45.5231%2C-122.6765');
    expect(viewFromSearch(searchFromView(view))).toEqual(view);
  });

  it('round-trips a region-only view without a camera', () => {
    const view: ViewState = { ...DEFAULT_VIEW, fh: 3, region: 'pnw' };
    const search = searchFromView(view);
    expect(search).toBe('?model=hrrr&run=latest&var=tmp2m&fh=3&region=pnw');
    expect(viewFromSearch(search)).toEqual(view);
  });

  it('ignores malformed values instead of failing', () => {
    const view = viewFromSearch('?model=../etc&run=yesterday&var=TMP%202m&fh=-3&lat=95&lon=10&z=4&region=<b>');
    expect(view).toEqual(DEFAULT_VIEW);
  });

  it('keeps the meteogram point only when it is a valid lat,lon pair', () => {
    expect(viewFromSearch('?pt=45.5,-122.6').point).toEqual({ lat: 45.5, lon: -122.6 });
    for (const bad of ['?pt=95,10', '?pt=45', '?pt=45,-122,3', '?pt=a,b', '?pt=']) {
      expect(viewFromSearch(bad).point).toBeNull();
    }
  });

  it('round-trips the compare, difference and trend modes in the link', () => {
    const compare: ViewState = { ...DEFAULT_VIEW, fh: 6, mode: 'diff',
      b: { model: 'gfs', run: '20260129_12z', var: 'tmp2m' } };
    const search = searchFromView(compare);
    expect(search).toBe('?model=hrrr&run=latest&var=tmp2m&fh=6&mode=diff&bmodel=gfs&brun=20260129_12z&bvar=tmp2m');
    expect(viewFromSearch(search)).toEqual(compare);
    const trend: ViewState = { ...DEFAULT_VIEW, mode: 'trend', valid: '2026-01-29T18:00:00Z', runs: 4 };
    expect(viewFromSearch(searchFromView(trend))).toEqual(trend);
  });

  it('gives side B side A\'s model and variable at the latest run when a link leaves it out', () => {
    expect(viewFromSearch('?model=nam&var=dp2m&mode=compare').b).toEqual({ model: 'nam', run: 'latest', var: 'dp2m' });
    expect(viewFromSearch('?mode=bogus&bmodel=gfs')).toEqual(DEFAULT_VIEW);
  });

  it('needs lat, lon and zoom together for a camera', () => {
    expect(viewFromSearch('?lat=45&lon=-122').camera).toBeNull();
    expect(viewFromSearch('?lat=45&lon=-122&z=7').camera).toEqual({ lat: 45, lon: -122, zoom: 7 });
  });
});
