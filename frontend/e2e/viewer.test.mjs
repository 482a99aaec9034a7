/**
 * The viewer in Debian's headless Chromium against the real backend (`twf serve`) serving a real run built and
 * published from the NOAA HRRR samples (tmp2m f00/f01, refc f01), and a synthetic GFS run holding f006 of every
 * variable that hour can make (the catalogue's picker, legends and overlays).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, publishSampleRun, removeDir, REPO, startServer } from './harness.mjs';
import { camera, firstFrame, mapIdle, openViewer as openPage, perf, shareUnlike } from './page.mjs';

const RUN = '20260129_17z';
const GFS_RUN = '20260129_12z';
const DOCS_SHOT = join(REPO, 'docs', 'viewer.png');
const BACKGROUND_RGB = [0xdf, 0xe6, 0xec];
const DISCOVERY = /^\/api\/(v3\/(models|[a-z0-9_]+\/(runs|[^/]+\/(vars|manifest|[^/]+\/frames)))|regions)/;

let dataRoot;
let server;
let browser;
let regions;
let docsShotAtStart;

before(async () => {
  docsShotAtStart = readFileSync(DOCS_SHOT);
  dataRoot = publishSampleRun();
  server = await startServer(dataRoot);
  browser = await launchBrowser();
  regions = await (await fetch(`${server.origin}/api/regions`)).json();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataRoot) removeDir(dataRoot);
});

const openViewer = (search = '') => openPage(browser.context, server.origin, search);

const region = (id) => regions.regions.find((r) => r.id === id);

describe('viewer', () => {
  it('first load shows the PNW viewport and a rendered frame', async () => {
    const { page, requests, errors } = await openViewer();
    const pnw = region(regions.default);
    assert.equal(regions.default, 'pnw');
    const cam = await camera(page);
    assert.ok(Math.abs(cam.lon - pnw.defaultCenter[0]) < 1e-6 && Math.abs(cam.lat - pnw.defaultCenter[1]) < 1e-6, JSON.stringify(cam));
    assert.equal(cam.zoom, pnw.defaultZoom);
    assert.equal(await page.locator('[data-testid=pick-region]').inputValue(), 'pnw');
    assert.equal(await page.locator('[data-testid=pick-model]').inputValue(), 'hrrr');
    assert.equal(await page.locator('[data-testid=pick-var]').inputValue(), 'tmp2m');
    assert.equal(await page.locator('[data-testid=pick-run]').inputValue(), 'latest');
    const tiles = requests.all().filter((r) => r.path.startsWith(`/tiles/v3/hrrr/${RUN}/tmp2m/`));
    assert.ok(tiles.some((t) => t.status === 200), 'no tile was served');
    // The forecast colours cover the land and sea of the PNW view: almost nothing is bare background.
    const share = await shareUnlike(page, { x: 300, y: 150, width: 700, height: 450 }, BACKGROUND_RGB);
    assert.ok(share > 0.9, `only ${(share * 100).toFixed(1)}% of the map is painted`);
    assert.match(await page.locator('[data-testid=valid-time]').innerText(), /f00 .*17:00 UTC/);
    assert.equal((await page.locator('[data-testid=legend]').innerText()).includes('°F'), true);
    assert.equal(await page.locator('[data-testid=demo-badge]').count(), 0, 'real data is not labelled demo');
    const bar = await page.locator('.toolbar').boundingBox();
    const view = await page.locator('[data-testid=compare-panel]').boundingBox();
    assert.ok(view.y >= bar.y + bar.height + 4, `the View panel ${JSON.stringify(view)} sits under the toolbar ${JSON.stringify(bar)}`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('region switch sends no discovery or frame-identity requests', async () => {
    const { page, requests } = await openViewer();
    const frameIds = (list) => new Set(list.filter((r) => r.path.startsWith('/tiles/')).map((r) => r.path.split('/').slice(0, 7).join('/')));
    const before = frameIds(requests.all());
    const urlBefore = new URL(page.url()).searchParams;
    const mark = requests.mark();
    await page.locator('[data-testid=pick-region]').selectOption('conus');
    await page.waitForFunction(() => window.__twfMap.getZoom() !== 6);
    await mapIdle(page);
    const after = requests.since(mark);
    // The only API requests: the city labels' values for the new view (one batch per view change).
    const api = after.filter((r) => r.path.startsWith('/api/'));
    assert.deepEqual(api.filter((r) => r.path !== '/api/v3/sample/batch'), [], 'no other API request');
    for (const id of frameIds(after)) assert.ok(before.has(id), `new frame identity ${id}`);
    const conus = region('conus');
    const cam = await camera(page);
    assert.ok(Math.abs(cam.lon - conus.defaultCenter[0]) < 1e-6 && cam.zoom === conus.defaultZoom, JSON.stringify(cam));
    const urlAfter = new URL(page.url()).searchParams;
    assert.equal(urlAfter.get('region'), 'conus');
    for (const key of ['model', 'run', 'var', 'fh']) assert.equal(urlAfter.get(key), urlBefore.get(key), key);
    assert.ok(!after.some((r) => DISCOVERY.test(r.path)));
    await page.close();
  });

  it('play advances frames, and the keyboard steps them', async () => {
    const { page } = await openViewer();
    await page.waitForFunction(() => window.__twfPerf.readyCount === window.__twfPerf.frameCount);
    assert.equal((await perf(page)).shownFh, 0);
    await page.locator('[data-testid=play]').click();
    await page.waitForFunction(() => window.__twfPerf.shownFh === 1, null, { timeout: 10000 });
    await page.waitForFunction(() => window.__twfPerf.shownFh === 0, null, { timeout: 10000 });
    // Never a blank or half-drawn map while frames swap.
    for (let i = 0; i < 4; i += 1) {
      const share = await shareUnlike(page, { x: 300, y: 150, width: 700, height: 450 }, BACKGROUND_RGB);
      assert.ok(share > 0.9, `during playback only ${(share * 100).toFixed(1)}% of the map was painted`);
    }
    await page.locator('[data-testid=play]').click();
    assert.equal(await page.locator('[data-testid=play]').getAttribute('data-playing'), 'false');
    await page.locator('[data-testid=map]').click({ position: { x: 600, y: 400 } });
    await page.keyboard.press('End');
    await page.waitForFunction(() => window.__twfPerf.shownFh === 1);
    assert.equal(new URL(page.url()).searchParams.get('fh'), '1');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.__twfPerf.shownFh === 0);
    await page.keyboard.press(' ');
    assert.equal(await page.locator('[data-testid=play]').getAttribute('data-playing'), 'true');
    await page.keyboard.press(' ');
    const p = await perf(page);
    assert.ok(p.advances.length >= 2, JSON.stringify(p));
    await page.close();
  });

  it('hover shows the value the API gives at that point', async () => {
    const { page, requests } = await openViewer('?fh=1');
    await page.mouse.move(640, 420);
    const readout = page.locator('[data-testid=hover-value]');
    await readout.waitFor({ timeout: 10000 });
    const shown = Number(await readout.getAttribute('data-value'));
    const { lng: lon, lat } = await page.evaluate(() => {
      const p = window.__twfMap.unproject([640, 420]);
      return { lng: p.lng, lat: p.lat };
    });
    const query = new URLSearchParams({ model: 'hrrr', run: RUN, var: 'tmp2m', fh: '1', lat: lat.toFixed(4), lon: lon.toFixed(4) });
    const answer = await (await fetch(`${server.origin}/api/v3/sample?${query}`)).json();
    assert.equal(shown, answer.value);
    assert.match(await readout.innerText(), new RegExp(`${answer.value.toFixed(1)}\\s+°F`));
    const samples = requests.all().filter((r) => r.path.startsWith('/api/v3/sample?'));
    assert.equal(samples.length, 1, 'one resting pointer costs one request');
    await page.close();
  });

  it('outside the data hover shows nothing and out-of-bounds tiles get exactly one request each', async () => {
    const { page, requests, errors } = await openViewer('?region=conus&lat=42&lon=-140&z=4');
    await page.waitForTimeout(500);
    await mapIdle(page);
    // Play a while so every frame's layer keeps asking for its tiles: a retry would show up here.
    await page.locator('[data-testid=play]').click();
    await page.waitForTimeout(1500);
    await page.locator('[data-testid=play]').click();
    const answered = page.waitForResponse((r) => r.url().includes('/api/v3/sample?'), { timeout: 15000 });
    await page.mouse.move(60, 400);
    await answered;
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-testid=hover-value]').count(), 0);
    const all = requests.all();
    const empty = all.filter((r) => r.path.startsWith('/tiles/') && r.status === 204);
    assert.ok(empty.length > 0, 'the view should reach beyond the canonical extent');
    const counts = new Map();
    for (const r of all.filter((r) => r.path.startsWith('/tiles/'))) counts.set(r.path, (counts.get(r.path) ?? 0) + 1);
    for (const r of empty) assert.equal(counts.get(r.path), 1, `${r.path} requested ${counts.get(r.path)} times`);
    const samples = all.filter((r) => r.path.startsWith('/api/v3/sample?'));
    assert.deepEqual(samples.map((s) => s.status), [204]);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the variable picker switches the dataset: new frames, tiles and legend', async () => {
    const { page, requests, errors } = await openViewer();
    const mark = requests.mark();
    await page.locator('[data-testid=pick-var]').selectOption('refc');
    await page.waitForFunction(() => window.__twfPerf.frameCount === 1 && window.__twfPerf.shownFh === 1);
    await mapIdle(page);
    const after = requests.since(mark);
    assert.ok(after.some((r) => r.path === '/api/v3/hrrr/latest/refc/frames' && r.status === 200));
    assert.ok(after.some((r) => r.path.startsWith(`/tiles/v3/hrrr/${RUN}/refc/1/`) && r.status === 200));
    assert.ok(!after.some((r) => r.path.startsWith(`/tiles/v3/hrrr/${RUN}/tmp2m/`)), 'old dataset still loading');
    assert.match(await page.locator('[data-testid=legend]').innerText(), /dBZ/);
    assert.equal(new URL(page.url()).searchParams.get('var'), 'refc');
    assert.equal(await page.locator('[data-testid^=overlay-toggle-]').count(), 0, 'refc has no overlays');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('a link reopens the view it holds', async () => {
    const { page } = await openViewer(`?model=hrrr&run=${RUN}&var=tmp2m&fh=1&region=conus`);
    assert.equal((await perf(page)).shownFh, 1);
    assert.equal(await page.locator('[data-testid=pick-run]').inputValue(), RUN);
    assert.equal(await page.locator('[data-testid=pick-region]').inputValue(), 'conus');
    assert.equal((await camera(page)).zoom, region('conus').defaultZoom);
    await page.close();
  });

  it('regions come from the localStorage cache, revalidated with a 304, and survive a network failure', async () => {
    await (await openViewer()).page.close(); // stores the presets and their ETag (if no earlier test did)
    const { page, requests } = await openViewer();
    assert.deepEqual(requests.all().filter((r) => r.path === '/api/regions').map((r) => r.status), [304]);
    await page.route('**/api/regions', (route) => route.abort('internetdisconnected'));
    await page.reload();
    await firstFrame(page);
    const options = await page.locator('[data-testid=pick-region] option').allInnerTexts();
    assert.deepEqual(options, regions.regions.map((r) => r.label));
    await page.close();
  });

  it('draws labelled isotherms when turned on, and keeps a screenshot', async () => {
    const { page, requests } = await openViewer('?fh=1');
    await page.locator('[data-testid=overlay-toggle-iso2f]').check();
    await page.waitForFunction(() => window.__twfMap.querySourceFeatures('overlay:iso2f').length > 0, null, { timeout: 20000 });
    await page.waitForFunction(() => window.__twfMap.querySourceFeatures('boundaries').length > 0, null, { timeout: 20000 });
    await mapIdle(page);
    const labels = await page.evaluate(() => window.__twfMap.queryRenderedFeatures({ layers: ['overlay:iso2f:labels'] })
      .map((f) => f.properties.label));
    assert.ok(labels.length > 0, 'no isotherm label on screen');
    assert.ok(labels.every((label) => /^-?\d+°$/.test(label)), labels.join(' '));
    assert.ok(requests.all().some((r) => r.path === `/api/v3/hrrr/${RUN}/tmp2m/1/overlays/iso2f` && r.status === 200));
    await page.mouse.move(700, 380);
    await page.locator('[data-testid=hover-value]').waitFor();
    mkdirSync(join(REPO, 'artifacts'), { recursive: true });
    const shot = join(REPO, 'artifacts', 'viewer.png');
    await page.screenshot({ path: shot });
    // docs/viewer.png is committed: refreshed only on request, so a test run never dirties the work tree.
    if (process.env.TWF_UPDATE_DOCS_SCREENSHOT === '1') copyFileSync(shot, DOCS_SHOT);
    else assert.ok(readFileSync(DOCS_SHOT).equals(docsShotAtStart), 'docs/viewer.png changed by a test run');
    await page.close();
  });
});

async function legendTickBoxes(page) {
  return page.evaluate(() => {
    const legend = document.querySelector('[data-testid=legend]').getBoundingClientRect();
    const spans = [...document.querySelectorAll('[data-testid=legend-ticks] span')];
    return { legend: { left: legend.left, right: legend.right },
      ticks: spans.map((s) => { const r = s.getBoundingClientRect(); return { text: s.textContent, left: r.left, right: r.right }; }) };
  });
}

describe('the catalogue', () => {
  it('groups the variables by section and narrows them with a quick filter; Enter picks the first match', async () => {
    const { page, errors } = await openViewer(`?model=gfs&run=${GFS_RUN}`);
    const groups = await page.locator('[data-testid=pick-var] optgroup').evaluateAll((gs) => gs.map((g) => g.label));
    assert.deepEqual(groups, ['Surface', 'Precipitation', 'Winter', 'Upper air', 'Severe & moisture']);
    const vars = await (await fetch(`${server.origin}/api/v3/gfs/${GFS_RUN}/vars`)).json();
    assert.equal(await page.locator('[data-testid=pick-var] option').count(), vars.variables.length);
    await page.locator('[data-testid=var-filter]').fill('snow');
    const shown = await page.locator('[data-testid=pick-var] option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(shown, ['tmp2m', 'snowfall_total', 'snowfall_kuchera', 'snow_ratio', 'snow_depth']);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get('var') === 'snowfall_total');
    assert.match(await page.locator('[data-testid=legend]').innerText(), /Total snowfall \(10:1\) \(in\)/);
    assert.equal(await page.locator('[data-testid=var-filter]').inputValue(), '');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps the keyboard shortcuts: / focuses the filter, ] and [ step through the variables', async () => {
    const { page } = await openViewer(`?model=gfs&run=${GFS_RUN}&var=tmp2m`);
    await page.locator('[data-testid=map]').click({ position: { x: 600, y: 400 } });
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'var-filter');
    await page.keyboard.press('Escape');
    await page.keyboard.press(']');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get('var') === 'dp2m');
    await page.keyboard.press('[');
    await page.waitForFunction(() => new URL(window.location.href).searchParams.get('var') === 'tmp2m');
    await page.close();
  });

  it('never overlaps legend labels, for every variable, in the wide and the narrow layout', async () => {
    const vars = (await (await fetch(`${server.origin}/api/v3/gfs/${GFS_RUN}/vars`)).json()).variables;
    const narrow = await launchBrowser({ width: 400, height: 800 });
    try {
      for (const context of [browser.context, narrow.context]) {
        const page = await context.newPage();
        await page.goto(`${server.origin}/?model=gfs&run=${GFS_RUN}`);
        await firstFrame(page);
        // On a phone the pickers fold into one control: open it to reach the variable picker.
        if (context === narrow.context) await page.locator('[data-testid=pickers-toggle]').click();
        for (const v of vars.filter((x) => x.available_frames > 0 && x.legend.kind !== 'categorical')) {
          await page.locator('[data-testid=pick-var]').selectOption(v.id);
          await page.waitForFunction((label) => document.querySelector('[data-testid=legend]')?.innerText.startsWith(label), v.label);
          const { legend, ticks } = await legendTickBoxes(page);
          assert.ok(ticks.length >= 2, `${v.id}: ${ticks.length} labels`);
          for (const t of ticks) assert.ok(t.left >= legend.left && t.right <= legend.right, `${v.id} ${t.text} outside`);
          ticks.slice(1).forEach((t, i) => assert.ok(t.left >= ticks[i].right, `${v.id}: ${ticks[i].text} overlaps ${t.text}`));
        }
        await page.close();
      }
    } finally {
      await narrow.close();
    }
  });
});

/** Features of `layers` drawn on screen now (their properties). */
function rendered(page, layers) {
  return page.evaluate((ids) => window.__twfMap.queryRenderedFeatures({ layers: ids }).map((f) => f.properties), layers);
}

function sourceLoaded(page, source) {
  return page.waitForFunction((id) => window.__twfMap.querySourceFeatures(id).length > 0, source, { timeout: 20000 });
}

/** How long the swap test holds every overlay response: far longer than a loop of two frames takes. */
const OVERLAY_DELAY_MS = 15000;

describe('overlays', () => {
  it('sea-level pressure shows labelled isobars and H/L centres, each with its own toggle', async () => {
    const { page, requests, errors } = await openViewer(`?model=gfs&run=${GFS_RUN}&var=mslp&region=conus`);
    await sourceLoaded(page, 'overlay:isobars');
    await sourceLoaded(page, 'overlay:centres');
    await mapIdle(page);
    const isobars = await rendered(page, ['overlay:isobars:labels']);
    assert.ok(isobars.length > 0 && isobars.every((p) => p.value % 4 === 0 && p.label === String(p.value)), JSON.stringify(isobars));
    const centres = await rendered(page, ['overlay:centres:centres']);
    assert.ok(centres.some((p) => p.kind === 'L'), JSON.stringify(centres));
    assert.ok(centres.every((p) => p.label === String(Math.round(p.value))), JSON.stringify(centres));
    for (const key of ['isobars', 'centres']) {
      assert.ok(requests.all().some((r) => r.path === `/api/v3/gfs/${GFS_RUN}/mslp/6/overlays/${key}` && r.status === 200));
    }
    mkdirSync(join(REPO, 'artifacts'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'artifacts', 'overlays-mslp.png') });
    await page.locator('[data-testid=overlay-toggle-isobars]').uncheck();
    await page.waitForFunction(() => !window.__twfMap.getLayer('overlay:isobars:lines'));
    assert.ok(await page.evaluate(() => Boolean(window.__twfMap.getLayer('overlay:centres:centres'))), 'H/L went with the isobars');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('upper-air maps draw their height lines, and wind maps barbs that thicken as the map zooms in', async () => {
    const { page, errors } = await openViewer(`?model=gfs&run=${GFS_RUN}&var=hgt500_vort&region=conus`);
    await sourceLoaded(page, 'overlay:heights');
    await mapIdle(page);
    const heights = await rendered(page, ['overlay:heights:labels']);
    assert.ok(heights.length > 0 && heights.every((p) => p.value % 6 === 0), JSON.stringify(heights));
    await page.locator('[data-testid=pick-var]').selectOption('wspd10m');
    await sourceLoaded(page, 'overlay:barbs');
    const counts = [];
    for (const zoom of [4, 6]) {
      await page.evaluate((z) => window.__twfMap.jumpTo({ center: [-98, 39], zoom: z }), zoom);
      await mapIdle(page);
      const barbs = await rendered(page, ['overlay:barbs:barbs']);
      assert.ok(barbs.length > 0 && barbs.every((b) => b.zoom <= zoom), `zoom ${zoom}: ${JSON.stringify(barbs.slice(0, 3))}`);
      // every point of the band in view is drawn, whatever its speed (an icon missing when a tile was laid out
      // would leave its barbs out for good)
      const inView = await page.evaluate((z) => {
        const map = window.__twfMap;
        const bounds = map.getBounds();
        const points = map.querySourceFeatures('overlay:barbs').filter((f) => f.properties.zoom <= z
          && bounds.contains(f.geometry.coordinates));
        return new Set(points.map((f) => f.geometry.coordinates.join())).size;
      }, zoom);
      assert.ok(barbs.length >= inView, `zoom ${zoom}: ${barbs.length} barbs drawn of ${inView} in view`);
      counts.push({ zoom, count: barbs.length, finest: Math.max(...barbs.map((b) => b.zoom)) });
      await page.screenshot({ path: join(REPO, 'artifacts', `overlays-barbs-z${zoom}.png`) });
    }
    assert.ok(counts[1].finest > counts[0].finest, JSON.stringify(counts));
    assert.deepEqual(await page.evaluate(() => window.__twfMap.getLayoutProperty('overlay:barbs:barbs', 'icon-rotate')), ['get', 'dir']);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('never hold back the frame swap: play advances while the overlays are still on their way', async () => {
    const { page } = await openViewer();
    await page.waitForFunction(() => window.__twfPerf.readyCount === window.__twfPerf.frameCount);
    let held = 0;
    await page.route('**/overlays/**', async (route) => {
      held += 1;
      await new Promise((resolve) => setTimeout(resolve, OVERLAY_DELAY_MS));
      await route.continue().catch(() => {}); // the page may be gone
    });
    await page.locator('[data-testid=overlay-toggle-iso2f]').check();
    const started = Date.now();
    await page.locator('[data-testid=play]').click();
    await page.waitForFunction(() => window.__twfPerf.shownFh === 1, null, { timeout: 10000 });
    await page.waitForFunction(() => window.__twfPerf.shownFh === 0, null, { timeout: 10000 });
    assert.ok(held >= 1, 'no overlay request was made');
    assert.ok(Date.now() - started < OVERLAY_DELAY_MS, `frames waited for the overlay (${Date.now() - started} ms)`);
    await page.locator('[data-testid=play]').click();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.close();
  });
});
