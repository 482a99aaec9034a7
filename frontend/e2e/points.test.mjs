/**
 * Point forecasts in Debian's headless Chromium against `twf serve`: a click opens the meteogram whose charts
 * show exactly what `/api/v3/sample` gives at each hour, city labels carry the frame's values, and on a phone
 * the pickers fold into one control, no control covers another, the slider takes the width and the meteogram is
 * a bottom sheet (three panels, scrolling) above which the map stays drawn.
 * The run: synthetic HRRR 2026-01-29 17z, tmp2m, dp2m, precip_total and wspd10m at f01-f03 (a total has no f00),
 * built and published by the real pipeline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, publishRun, removeDir, startServer } from './harness.mjs';
import { mapIdle, openViewer as openPage, perf, shareUnlike } from './page.mjs';

const RUN = '20260129_17z';
const HOURS = [1, 2, 3];

let work;
let server;
let browser;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'twf-e2e-points-'));
  publishRun(['demo', join(work, 'data'), '--mirror', join(work, 'mirror'), '--fhs', '1-3', '--vars', 'tmp2m,dp2m,precip_total,wspd10m']);
  server = await startServer(join(work, 'data'));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (work) removeDir(work);
});

const openViewer = (search = '', context = browser.context) => openPage(context, server.origin, search);

async function sampleAt(lat, lon, fh, variable = 'tmp2m') {
  const query = new URLSearchParams({ model: 'hrrr', run: RUN, var: variable, fh: String(fh), lat: String(lat), lon: String(lon) });
  const r = await fetch(`${server.origin}/api/v3/sample?${query}`);
  return r.status === 200 ? (await r.json()).value : null;
}

/** Moves the pointer over a chart at a valid time and reads its legend's value of one line. */
async function legendValueAt(page, panel, seconds, label) {
  const { x, y, index } = await page.evaluate(({ panel: id, seconds: t, label: name }) => {
    const u = window.__twfCharts[id];
    const over = u.over.getBoundingClientRect();
    // The last hour sits on the plot's right edge, outside the pointer's reach: its last pixel picks it as well.
    const left = Math.min(u.valToPos(t, 'x'), over.width - 1);
    return { x: over.left + left, y: over.top + over.height / 2, index: u.series.findIndex((s) => s.label === name) };
  }, { panel, seconds, label });
  assert.ok(index > 0, `no line ${label} in ${panel}`);
  await page.mouse.move(x, y);
  const cell = page.locator(`[data-testid=chart-${panel}] .u-legend .u-series`).nth(index).locator('.u-value');
  return cell.innerText();
}

/** The valid time (Unix s) whose pixel column of a chart is mostly the dark dashed current-hour mark, or null. */
function markedTime(page, panel) {
  return page.evaluate((id) => {
    const u = window.__twfCharts[id];
    const { top, height } = u.bbox;
    let best = null;
    let most = 0.25 * height; // a mark spans the plot; a crossing line darkens a few pixels at most
    for (const t of u.data[0]) {
      const x = Math.round(u.valToPos(t, 'x', true));
      const px = u.ctx.getImageData(x, top, 1, height).data;
      let dark = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 128 && px[i] < 90 && px[i + 1] < 90 && px[i + 2] < 90) dark += 1;
      if (dark > most) [best, most] = [t, dark];
    }
    return best;
  }, panel);
}

/** Whether two bounding boxes share any area. */
function overlap(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('point forecasts', () => {
  it('a click marks the point and opens the meteogram whose values are the samples at each hour, and the link keeps the point', async () => {
    const { page, errors } = await openViewer(`?fh=${HOURS[1]}`);
    await page.locator('[data-testid=map]').click({ position: { x: 640, y: 420 } });
    await page.locator('[data-testid=chart-temperature] canvas').first().waitFor({ timeout: 20000 });
    await page.waitForFunction(() => window.__twfPerf.pointChartMs != null, null, { timeout: 20000 });
    const pt = new URL(page.url()).searchParams.get('pt');
    const marker = await page.locator('[data-testid=picked-point]').boundingBox();
    const map = await page.locator('[data-testid=map]').boundingBox();
    assert.ok(Math.abs(marker.x + marker.width / 2 - map.x - 640) <= 2 && Math.abs(marker.y + marker.height / 2 - map.y - 420) <= 2,
      `the marker sits where the map was clicked: ${JSON.stringify(marker)}`);
    assert.match(pt ?? '', /^-?\d+\.\d{4},-?\d+\.\d{4}$/);
    const [lat, lon] = pt.split(',').map(Number);
    const validTimes = HOURS.map((fh) => Date.parse(`2026-01-29T${17 + fh}:00:00Z`) / 1000);
    for (const [i, fh] of HOURS.entries()) {
      const expected = await sampleAt(lat, lon, fh);
      assert.notEqual(expected, null, 'the clicked point has data');
      assert.equal(await legendValueAt(page, 'temperature', validTimes[i], 'HRRR tmp2m'), `${expected.toFixed(1)} °F`);
      const dew = await sampleAt(lat, lon, fh, 'dp2m');
      assert.equal(await legendValueAt(page, 'temperature', validTimes[i], 'HRRR dp2m'), `${dew.toFixed(1)} °F`);
    }
    const wind = await sampleAt(lat, lon, HOURS[2], 'wspd10m');
    assert.equal(await legendValueAt(page, 'wind', validTimes[2], 'HRRR wspd10m'), `${wind.toFixed(1)} mph`);
    assert.equal(await markedTime(page, 'temperature'), validTimes[1], 'the map\'s hour (f02) is marked');
    const axis = await page.evaluate(() => Object.fromEntries(Object.entries(window.__twfCharts)
      .map(([id, u]) => [id, { x: [u.scales.x.min, u.scales.x.max], y: [u.scales.y.min, u.scales.y.max] }])));
    for (const id of ['temperature', 'wind']) {
      assert.deepEqual(axis[id].x, [validTimes[0], validTimes[2]], `${id}: the published hours fill the time axis`);
    }
    assert.equal(axis.wind.y[0], 0, 'wind speed is drawn up from 0');
    await page.locator('[data-testid=point-panel] header').click();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((fh) => window.__twfPerf.shownFh === fh, HOURS[2]);
    let marked = null;
    for (let tries = 0; tries < 50 && marked !== validTimes[2]; tries += 1) {
      marked = await markedTime(page, 'wind'); // redrawn by an effect after the frame change
      if (marked !== validTimes[2]) await page.waitForTimeout(100);
    }
    assert.equal(marked, validTimes[2], 'the mark follows the map to f03');
    console.log(`click → meteogram drawn: ${(await perf(page)).pointChartMs.toFixed(0)} ms`);
    // The link reopens the panel at the same point.
    const again = await openViewer(new URL(page.url()).search);
    await again.page.locator('[data-testid=chart-temperature] canvas').first().waitFor({ timeout: 20000 });
    assert.equal(new URL(again.page.url()).searchParams.get('pt'), pt);
    await again.page.locator('[data-testid=point-close]').click();
    assert.equal(new URL(again.page.url()).searchParams.get('pt'), null);
    assert.equal(await again.page.locator('[data-testid=point-panel]').count(), 0);
    assert.equal(await again.page.locator('[data-testid=picked-point]').count(), 0, 'closing the panel removes the marker');
    assert.deepEqual(errors, []);
    await again.page.close();
    await page.close();
  });

  it('city labels show the frame value, refreshed by one batch request per frame change', async () => {
    const { page, requests, errors } = await openViewer(`?fh=${HOURS[0]}`);
    assert.equal(await page.locator('[data-testid=cities-toggle]').isChecked(), true, 'on for temperature');
    const labelled = () => page.evaluate(() => window.__twfMap.querySourceFeatures('places')
      .filter((f) => f.properties.label !== '').map((f) => f.properties));
    await page.waitForFunction(() => window.__twfMap.querySourceFeatures('places').some((f) => f.properties.label), null, { timeout: 20000 });
    const shown = await labelled();
    const portland = shown.find((p) => p.name === 'Portland');
    assert.ok(portland, `Portland is labelled: ${shown.map((p) => p.name).join(', ')}`);
    const expected = await sampleAt(45.5234, -122.6762, HOURS[0]);
    assert.equal(portland.label, `${Math.round(expected)}°`);
    await mapIdle(page);
    const rendered = await page.evaluate(() => window.__twfMap.queryRenderedFeatures({ layers: ['place-labels'] }).length);
    assert.ok(rendered > 3, `only ${rendered} labels drawn`);
    const mark = requests.mark();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((fh) => window.__twfPerf.shownFh === fh, HOURS[1]);
    await page.waitForFunction(
      (v) => window.__twfMap.querySourceFeatures('places').some((f) => f.properties.name === 'Portland' && f.properties.value !== v),
      portland.value, { timeout: 20000 });
    const batches = requests.since(mark).filter((r) => r.path === '/api/v3/sample/batch');
    assert.equal(batches.length, 1, JSON.stringify(requests.since(mark)));
    await page.locator('[data-testid=cities-toggle]').uncheck();
    await page.waitForFunction(() => window.__twfMap.querySourceFeatures('places').length === 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('on a phone the pickers fold into one control, no control covers another, the slider spans the screen and the meteogram is a bottom sheet above which the map stays drawn', async () => {
    const phone = await launchBrowser({ width: 390, height: 844 }, { phone: true });
    try {
      const { page } = await openViewer('', phone.context);
      const toolbar = await page.locator('.toolbar').boundingBox();
      assert.ok(toolbar.height <= 60, `toolbar is ${toolbar.height} px tall`);
      assert.equal(await page.locator('[data-testid=pick-model]').isVisible(), false);
      await page.locator('[data-testid=pickers-toggle]').click();
      assert.equal(await page.locator('[data-testid=pick-model]').isVisible(), true);
      await page.locator('[data-testid=pickers-toggle]').click();
      const controls = { view: '[data-testid=compare-panel]', export: '[data-testid=export]', legend: '[data-testid=legend]',
        zoom: '.maplibregl-ctrl-group', timebar: '.timebar', toolbar: '.toolbar' };
      const boxes = [];
      for (const [name, selector] of Object.entries(controls)) boxes.push([name, await page.locator(selector).boundingBox()]);
      for (const [i, [a, boxA]] of boxes.entries()) {
        assert.ok(boxA, `${a} is shown`);
        for (const [b, boxB] of boxes.slice(i + 1)) {
          assert.ok(!overlap(boxA, boxB), `${a} ${JSON.stringify(boxA)} and ${b} ${JSON.stringify(boxB)} do not overlap`);
        }
      }
      const slider = await page.locator('[data-testid=fh-slider]').boundingBox();
      assert.ok(slider.width >= 340, `slider is ${slider.width} px wide`);
      await page.locator('[data-testid=map]').tap({ position: { x: 195, y: 590 } }); // below where the sheet will start
      await page.locator('[data-testid=chart-temperature] canvas').first().waitFor({ timeout: 20000 });
      const sheet = await page.locator('[data-testid=point-panel]').boundingBox();
      assert.ok(sheet.x <= 1 && sheet.width >= 388 && Math.abs(sheet.y + sheet.height - 844) <= 1, JSON.stringify(sheet));
      const scroll = await page.locator('[data-testid=point-panel]').evaluate((e) => [e.scrollHeight, e.clientHeight]);
      assert.ok(scroll[0] > scroll[1], `the sheet scrolls its three panels: ${scroll}`);
      const canvas = await page.locator('[data-testid=map] canvas').boundingBox();
      assert.ok(Math.abs(canvas.y + canvas.height - sheet.y) <= 1, `the map ends where the sheet starts: ${JSON.stringify(canvas)}`);
      const picked = await page.locator('[data-testid=picked-point]').boundingBox();
      assert.ok(picked.y >= canvas.y && picked.y + picked.height <= sheet.y, `the picked point stays in view above the sheet: ${JSON.stringify(picked)}`);
      await mapIdle(page);
      const bar = await page.locator('.toolbar').boundingBox();
      const above = { x: 0, y: bar.y + bar.height + 4, width: 390, height: sheet.y - bar.y - bar.height - 8 };
      const drawn = await shareUnlike(page, above, [255, 255, 255]);
      assert.ok(drawn > 0.9, `the map above the sheet is drawn, not blank: ${(100 * drawn).toFixed(0)} % not white`);
      await page.close();
    } finally {
      await phone.close();
    }
  });
});
