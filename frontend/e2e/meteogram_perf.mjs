/**
 * Click → meteogram drawn in headless Chromium against `twf serve` (issue 12 target ≤ 300 ms), and where the time
 * goes: each click on an idle map (every frame of the view prefetched) opens the meteogram of a new point, timed
 * from the click event's timestamp to the last chart's first draw (uPlot's `ready`, right after its draw). Per
 * click also: when the `/api/v3/series` answer had arrived (Resource Timing), how long the main thread was
 * blocked in between (long tasks: on this software-rendered WebGL every map frame is a blocking readback), and
 * how many map frames were rendered.
 *
 *   node e2e/meteogram_perf.mjs [--data-root DIR] [--clicks 8] [--size 1280x800]
 *
 * Without --data-root it reads `TWF_DATA_ROOT` or the repo's `data/v3` (the demo runs `make bench` builds).
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, REPO, startServer } from './harness.mjs';
import { firstFrame } from './page.mjs';

const { values: opts } = parseArgs({
  options: {
    'data-root': { type: 'string' },
    clicks: { type: 'string', default: '8' },
    size: { type: 'string', default: '1280x800' },
  },
});

const root = opts['data-root'] ?? process.env.TWF_DATA_ROOT ?? join(REPO, 'data', 'v3');
if (!existsSync(join(root, 'manifests'))) {
  console.log(`skipped: no published runs in ${root} (make demo-data)`);
  process.exit(0);
}

const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const ms = (x) => `${x.toFixed(0)} ms`;

const [width, height] = opts.size.split('x').map(Number);
const server = await startServer(root);
const browser = await launchBrowser({ width, height });
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/`);
  await firstFrame(page, 120000);
  await page.waitForFunction(() => window.__twfPerf.allFramesReadyMs != null, null, { timeout: 300000 });
  await page.evaluate(() => {
    window.__blocked = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__blocked.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask' });
    window.__mapFrames = [];
    window.__twfMap.on('render', () => window.__mapFrames.push(performance.now()));
  });
  const rows = [];
  const count = Number(opts.clicks);
  for (let i = 0; i < count; i += 1) {
    // Points spread over the map left of the panel (it takes the right ~450 px): each a new series request.
    const x = Math.round(width * 0.12 + ((i * 0.618) % 1) * (width - 600));
    const y = Math.round(height * (0.3 + 0.5 * ((i * 0.382) % 1)));
    await page.evaluate(() => {
      window.__twfPerf.pointChartMs = null;
      performance.clearResourceTimings();
    });
    await page.locator('[data-testid=map]').click({ position: { x, y } });
    await page.waitForFunction(() => window.__twfPerf.pointChartMs != null, null, { timeout: 30000 });
    rows.push(await page.evaluate(() => {
      const { pointPickedAt: at, pointChartMs: total } = window.__twfPerf;
      const end = at + total;
      const series = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === '/api/v3/series');
      const blocked = window.__blocked.filter(([s, d]) => s + d > at && s < end)
        .reduce((sum, [s, d]) => sum + Math.min(end, s + d) - Math.max(at, s), 0);
      return {
        total,
        series: series ? series.responseEnd - at : NaN,
        blocked,
        frames: window.__mapFrames.filter((t) => t > at && t < end).length,
        points: document.querySelectorAll('[data-testid=point-panel] .u-legend .u-series').length,
      };
    }));
    await page.waitForTimeout(300); // let the map settle, as a reader would before the next click
  }
  const column = (key) => rows.map((r) => r[key]);
  const line = (label, key, fmt = ms) => `${label.padEnd(44)} ${fmt(quantile(column(key), 0.5))} / ${fmt(Math.max(...column(key)))}`;
  console.log(`\nclick → meteogram (headless Chromium, SwiftShader WebGL, ${width}×${height}; ${rows.length} clicks; `
    + `${rows[0].points} legend rows; load average ${loadavg()[0].toFixed(1)}), p50 / max`);
  console.log(line('click → every chart drawn (target ≤ 300 ms)', 'total'));
  console.log(line('  click → series answer received', 'series'));
  console.log(line('  main thread blocked (long tasks) meanwhile', 'blocked'));
  console.log(line('  map frames rendered meanwhile', 'frames', (n) => `${n}`));
} finally {
  await browser.close();
  await server.stop();
}
