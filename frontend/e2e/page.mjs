/** Page-side helpers of the browser tests: request log, map idle, pixels of a screenshot. */

/** Records every request of a page with its final status (null while in flight or failed). */
export function recordRequests(page) {
  const log = [];
  page.on('request', (request) => log.push({ url: request.url(), request, status: null }));
  page.on('response', (response) => {
    const entry = log.find((e) => e.request === response.request());
    if (entry) entry.status = response.status();
  });
  const since = (mark) =>
    log.slice(mark).map(({ url, status }) => {
      const { pathname, search } = new URL(url);
      return { path: pathname + search, status };
    });
  return { all: () => since(0), since, mark: () => log.length };
}

/** Console errors, ignoring GPU driver chatter from SwiftShader. */
export function recordConsoleErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Resolves once the map has rendered everything it is loading. */
export function mapIdle(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const map = window.__twfMap;
        map.once('idle', () => resolve(true));
        map.triggerRepaint();
      }),
  );
}

/** Resolves once the viewer has painted its first forecast frame. */
export function firstFrame(page, timeout = 60000) {
  return page.waitForFunction(() => window.__twfPerf?.firstFrameMs != null, null, { timeout });
}

export function perf(page) {
  return page.evaluate(() => structuredClone(window.__twfPerf));
}

export function camera(page) {
  return page.evaluate(() => {
    const m = window.__twfMap;
    return { lon: m.getCenter().lng, lat: m.getCenter().lat, zoom: m.getZoom() };
  });
}

/**
 * Share of pixels in a screenshot of `clip` that differ from `rgb` (the map background), decoded by the
 * browser itself so the tests need no image library.
 */
export async function shareUnlike(page, clip, rgb) {
  const png = (await page.screenshot({ clip })).toString('base64');
  return page.evaluate(
    async ({ png: data, rgb: [r, g, b] }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      let unlike = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) > 24) unlike += 1;
      }
      return unlike / (px.length / 4);
    },
    { png, rgb },
  );
}

/** A new page of `context` at the viewer (`origin` + `search`), once its first frame is painted and the map idle. */
export async function openViewer(context, origin, search = '') {
  const page = await context.newPage();
  const requests = recordRequests(page);
  const errors = recordConsoleErrors(page);
  await page.goto(`${origin}/${search}`);
  await firstFrame(page);
  await mapIdle(page);
  return { page, requests, errors };
}
