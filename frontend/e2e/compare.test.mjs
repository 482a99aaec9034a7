/**
 * Compare, difference, trend and loop export in Debian's headless Chromium against `twf serve` on the real HRRR
 * sample run (tmp2m f00/f01, refc f01): two locked maps, difference tiles and legend, the modes in the link,
 * and the "Export loop" button downloading a GIF and an MP4 that decode to the frames on screen.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, publishSampleRun, removeDir, REPO, startServer } from './harness.mjs';
import { firstFrame, openViewer } from './page.mjs';

const RUN = '20260129_17z';
const PYTHON = join(REPO, '.venv', 'bin', 'python');

let dataRoot;
let server;
let browser;
let downloads;

before(async () => {
  dataRoot = publishSampleRun();
  server = await startServer(dataRoot);
  browser = await launchBrowser();
  downloads = mkdtempSync(join(tmpdir(), 'twf-e2e-downloads-'));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dataRoot) removeDir(dataRoot);
  if (downloads) removeDir(downloads);
});

const open = (search) => openViewer(browser.context, server.origin, search);

/** Frame count, size and per-frame duration (ms) of a downloaded GIF or MP4, decoded by Pillow / ffmpeg. */
function probe(path) {
  const script = `
import json, sys
path = sys.argv[1]
if path.endswith('.gif'):
    from PIL import Image, ImageSequence
    im = Image.open(path)
    frames = list(ImageSequence.Iterator(im))
    print(json.dumps({"frames": len(frames), "size": list(im.size), "ms": [f.info["duration"] for f in frames]}))
else:
    import imageio_ffmpeg
    n, secs = imageio_ffmpeg.count_frames_and_secs(path)
    reader = imageio_ffmpeg.read_frames(path)
    meta = next(reader)
    print(json.dumps({"frames": n, "size": list(meta["size"]), "ms": [round(secs * 1000 / n)] * n}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8' }));
}

async function download(page, format) {
  if (!(await page.locator('[data-testid=export-format]').isVisible())) await page.locator('[data-testid=export-open]').click();
  await page.locator('[data-testid=export-format]').selectOption(format);
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-download]').click()]);
  const path = join(downloads, file.suggestedFilename());
  await file.saveAs(path);
  return { path, name: file.suggestedFilename() };
}

describe('compare, difference, trend and export', () => {
  it('the Export loop button downloads a playable GIF and MP4 of the frames on screen', async () => {
    const { page, errors } = await open('?region=pnw');
    const gif = await download(page, 'gif');
    assert.equal(gif.name, `hrrr_${RUN}_tmp2m_f00-f01.gif`);
    const gifInfo = probe(gif.path);
    assert.equal(gifInfo.frames, 2);
    assert.equal(gifInfo.size[0], 720);
    assert.deepEqual(gifInfo.ms, [250, 250]); // the viewer's 4 fps
    const mp4 = await download(page, 'mp4');
    const mp4Info = probe(mp4.path);
    assert.equal(mp4Info.frames, 2);
    assert.deepEqual(mp4Info.size, gifInfo.size);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('side by side shows two maps that pan together, and hover shows both values', async () => {
    const { page, errors } = await open(`?region=pnw&mode=compare&bmodel=hrrr&brun=${RUN}&bvar=tmp2m`);
    assert.equal(await page.locator('[data-testid=map]').count(), 2);
    const pane = await page.locator('[data-testid=pane-a]').boundingBox();
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width / 2 - 150, pane.y + pane.height / 2 + 60, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => new URL(location.href).searchParams.has('lat'));
    const link = new URL(page.url()).searchParams;
    // `__twfMap` is the second map (B); the link holds the camera of the map that was dragged (A).
    const b = await page.evaluate(() => ({ lat: window.__twfMap.getCenter().lat, lon: window.__twfMap.getCenter().lng }));
    assert.ok(Math.abs(b.lat - Number(link.get('lat'))) < 1e-3 && Math.abs(b.lon - Number(link.get('lon'))) < 1e-3,
      `${JSON.stringify(b)} vs ${link}`);
    await page.mouse.move(pane.x + pane.width / 2, pane.y + pane.height / 2);
    await page.waitForSelector('[data-testid=value-a]', { timeout: 10000 });
    assert.match(await page.locator('[data-testid=value-a]').innerText(), /^A -?\d+\.\d °F$/);
    assert.match(await page.locator('[data-testid=value-b]').innerText(), /^B -?\d+\.\d °F$/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the difference view draws difference tiles with the diverging legend, and the link keeps the mode', async () => {
    const { page, requests, errors } = await open(`?region=pnw&mode=diff&bmodel=hrrr&brun=${RUN}&bvar=tmp2m`);
    const diffTiles = requests.all().filter((r) => r.path.startsWith('/tiles/v3/diff/'));
    assert.ok(diffTiles.length > 0 && diffTiles.every((r) => r.status === 200 || r.status === 204), JSON.stringify(diffTiles));
    assert.ok(diffTiles.some((r) => r.path.includes(`/hrrr/${RUN}/tmp2m/0/hrrr/${RUN}/tmp2m/0/`)));
    const legend = await page.locator('[data-testid=legend]').innerText();
    assert.match(legend, /Difference A − B/);
    assert.match(legend, /-15[\s\S]*15/);
    await page.reload();
    await firstFrame(page);
    assert.equal(await page.locator('[data-testid=pick-mode]').inputValue(), 'diff');
    assert.equal(await page.locator('[data-testid=pick-brun]').inputValue(), RUN);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('trend mode animates one valid time across runs, each frame labelled by its run', async () => {
    const { page, requests, errors } = await open('?region=pnw&fh=1');
    await page.locator('[data-testid=pick-mode]').selectOption('trend');
    await page.waitForFunction(() => document.querySelector('[data-testid=frame-caption]')?.textContent?.startsWith('Run '));
    assert.equal(await page.locator('[data-testid=frame-caption]').innerText(), `Run ${RUN}`);
    const link = new URL(page.url()).searchParams;
    assert.equal(link.get('mode'), 'trend');
    assert.equal(link.get('valid'), '2026-01-29T18:00:00Z');
    assert.ok(requests.all().some((r) => r.path.startsWith('/api/v3/trend?') && r.status === 200));
    const gif = await download(page, 'gif');
    assert.equal(gif.name, 'hrrr_tmp2m_valid_20260129_18z_1runs.gif');
    assert.equal(probe(gif.path).frames, 1);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
