/**
 * Shared setup of the browser tests and the perf script: publish a real run into a fresh data root, start
 * `twf serve` on a free 127.0.0.1 port, launch Debian's headless Chromium (never a downloaded browser).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(FRONTEND, '..');
const VENV_BIN = join(REPO, '.venv', 'bin');
const CHROMIUM = process.env.TWF_CHROMIUM ?? '/usr/bin/chromium';

/** Headless without a GPU: WebGL through SwiftShader, and no traffic to anything but the test server. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Builds and publishes a run through the real pipeline: `e2e/publish_run.py` with `args` (see its usage). */
export function publishRun(args, stdio = ['ignore', 'pipe', 'inherit']) {
  execFileSync(join(VENV_BIN, 'python'), [join(FRONTEND, 'e2e', 'publish_run.py'), ...args], { stdio });
}

/**
 * A fresh data root holding the real HRRR sample run and a synthetic GFS run of the whole catalogue at one hour
 * (its pickers, legends and overlays), built and published by the real pipeline.
 */
export function publishSampleRun() {
  const root = mkdtempSync(join(tmpdir(), 'twf-e2e-data-'));
  publishRun(['samples', root]);
  const mirror = mkdtempSync(join(tmpdir(), 'twf-e2e-mirror-'));
  try {
    publishRun(['catalogue', root, '--mirror', mirror]);
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
  return root;
}

async function waitHealthy(origin, child, timeoutMs = 30000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`twf serve exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${origin}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`twf serve not healthy at ${origin} after ${timeoutMs} ms`);
}

/** `twf serve` on a free port over `dataRoot`, serving the built viewer from frontend/dist. */
export async function startServer(dataRoot) {
  if (!existsSync(join(FRONTEND, 'dist', 'index.html'))) throw new Error('frontend/dist missing: run `make web`');
  const port = await freePort();
  const child = spawn(join(VENV_BIN, 'twf'), ['serve', '--data-root', dataRoot, '--port', String(port), '--log-level', 'warning'], {
    env: { ...process.env, TWF_WEB_DIST: join(FRONTEND, 'dist') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(origin, child);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    origin,
    stop: () =>
      new Promise((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A headless Chromium with a fresh profile; `close()` removes the profile too. `phone`: a touch screen with a
 * mobile viewport, as a phone's browser lays out and paints the page (a desktop window of the same size does not).
 */
export async function launchBrowser(viewport = { width: 1280, height: 800 }, { phone = false } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'twf-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    isMobile: phone,
    hasTouch: phone,
    timezoneId: 'America/Los_Angeles',
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
