/**
 * Viewer speed in headless Chromium against `twf serve`: cold load to first painted frame, time until every frame
 * of the PNW view is prefetched, frame switches during playback at 8 fps after prefetch (click → meteogram:
 * `e2e/meteogram_perf.mjs`).
 *
 *   node e2e/perf.mjs [--data-root DIR] [--seconds 6] [--fps 8] [--size 1280x800]
 *
 * Without --data-root it publishes a synthetic HRRR run (tmp2m f00-f12) under .cache/viewer-perf (reused).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, publishRun, REPO, startServer } from './harness.mjs';
import { firstFrame, perf } from './page.mjs';

const { values: opts } = parseArgs({
  options: {
    'data-root': { type: 'string' },
    seconds: { type: 'string', default: '6' },
    fps: { type: 'string', default: '8' },
    size: { type: 'string', default: '1280x800' },
  },
});

function demoDataRoot() {
  const base = join(REPO, '.cache', 'viewer-perf');
  const root = join(base, 'data');
  if (!existsSync(join(root, 'manifests', 'hrrr', '20260129_17z.json'))) {
    console.log('publishing a synthetic HRRR run (tmp2m f00-f12) into', root);
    publishRun(['demo', root, '--mirror', join(base, 'mirror'), '--fhs', '0-12'], 'inherit');
  }
  return root;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / (s.length || 1), p50: q(0.5), p95: q(0.95), max: s.at(-1) };
};

const fmt = (ms) => (ms === undefined || ms === null ? '-' : `${ms.toFixed(1)} ms`);

const server = await startServer(opts['data-root'] ?? demoDataRoot());
const [width, height] = opts.size.split('x').map(Number);
const browser = await launchBrowser({ width, height });
try {
  const page = await browser.context.newPage();
  let tileRequests = 0;
  let tileBytes = 0;
  page.on('response', async (r) => {
    if (!new URL(r.url()).pathname.startsWith('/tiles/')) return;
    tileRequests += 1;
    tileBytes += Number(r.headers()['content-length'] ?? 0);
  });
  await page.goto(`${server.origin}/`);
  await firstFrame(page, 120000);
  await page.waitForFunction(() => window.__twfPerf.allFramesReadyMs != null, null, { timeout: 300000 });
  const loaded = await perf(page);
  // Where the cold load's time goes: when the app script, the frame list and the first tile had arrived.
  const milestones = await page.evaluate(() => {
    const entries = performance.getEntriesByType('resource');
    const end = (test, key = 'responseEnd') => entries.filter((e) => test(new URL(e.name).pathname)).map((e) => e[key]);
    const first = (xs) => (xs.length ? Math.min(...xs) : null);
    return {
      script: first(end((p) => /\/assets\/index-.*\.js$/.test(p))),
      frames: first(end((p) => p.endsWith('/frames'))),
      firstTileAsked: first(end((p) => p.startsWith('/tiles/'), 'startTime')),
      firstTile: first(end((p) => p.startsWith('/tiles/'))),
    };
  });

  const fps = Number(opts.fps);
  await page.locator('[data-testid=speed]').selectOption(String(fps));
  // Long tasks and rAF gaps during playback: a gap > 2 display frames is a visible hitch.
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const loop = (t) => {
      window.__gaps.push(t - last);
      last = t;
      if (!window.__stopGaps) requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  });
  const startAdvances = loaded.advances.length;
  const startPaints = loaded.paints.length;
  const startSwaps = loaded.swapWorkMs.length;
  await page.locator('[data-testid=play]').click();
  const t0 = await page.evaluate(() => performance.now());
  await page.waitForTimeout(Number(opts.seconds) * 1000);
  await page.locator('[data-testid=play]').click();
  const t1 = await page.evaluate(() => {
    window.__stopGaps = true;
    return performance.now();
  });
  const after = await perf(page);
  const gaps = await page.evaluate(() => window.__gaps);

  const advances = after.advances.slice(startAdvances);
  const paints = after.paints.slice(startPaints);
  const tickToPaint = advances.map((a) => (paints.find((p) => p >= a) ?? NaN) - a).filter(Number.isFinite);
  const intervals = advances.slice(1).map((a, i) => a - advances[i]);
  const achieved = advances.length / ((t1 - t0) / 1000);
  const late = intervals.filter((d) => d > 1.5 * (1000 / fps)).length;
  const switches = stats(tickToPaint);
  const swapWork = stats(after.swapWorkMs.slice(startSwaps));
  const hitches = gaps.filter((g) => g > 50).length;

  const rows = [
    ['frames in view', `${loaded.frameCount}`],
    ['cold load → first frame painted', fmt(loaded.firstFrameMs)],
    ['  app script / frame list received, first tile asked / received',
      `${fmt(milestones.script)} / ${fmt(milestones.frames)}, ${fmt(milestones.firstTileAsked)} / ${fmt(milestones.firstTile)}`],
    ['cold load → every frame prefetched', fmt(loaded.allFramesReadyMs)],
    ['tile requests / bytes for the prefetch', `${tileRequests} / ${(tileBytes / 1e6).toFixed(1)} MB`],
    [`playback at ${fps} fps for ${opts.seconds} s: achieved`, `${achieved.toFixed(2)} fps (${advances.length} swaps)`],
    ['frame switch (tick → painted) mean / p50 / p95 / max',
      `${fmt(switches.mean)} / ${fmt(switches.p50)} / ${fmt(switches.p95)} / ${fmt(switches.max)}`],
    ['  of which main-thread swap work mean / max', `${fmt(swapWork.mean)} / ${fmt(swapWork.max)}`],
    ['dropped frames (stalled ticks, next frame not loaded)', `${after.stalls - loaded.stalls}`],
    [`late ticks (> 1.5 × ${(1000 / fps).toFixed(0)} ms)`, `${late}`],
    ['render hitches (rAF gap > 50 ms)', `${hitches} of ${gaps.length} frames`],
  ];
  const labelWidth = Math.max(...rows.map(([k]) => k.length));
  const load = (await import('node:os')).loadavg()[0].toFixed(1);
  console.log(`\nviewer perf (headless Chromium, SwiftShader WebGL, ${width}×${height}, PNW view; load average ${load})`);
  for (const [k, v] of rows) console.log(`${k.padEnd(labelWidth)}  ${v}`);
} finally {
  await browser.close();
  await server.stop();
}
