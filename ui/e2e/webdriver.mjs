// A minimal WebDriver client over fetch, and tauri-driver process handling, for the
// end-to-end tests. No browser download: tauri-driver drives the real app binary through
// WebKitWebDriver (Debian's webkit2gtk-driver).

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const KEY = {
  ENTER: '\uE007',
  ESCAPE: '\uE00C',
  F2: '\uE032',
  F3: '\uE033',
  F4: '\uE034',
  F5: '\uE035',
  F6: '\uE036',
  F7: '\uE037',
  F8: '\uE038',
  F9: '\uE039',
  F10: '\uE03A',
  F12: '\uE03C',
};

/**
 * Starts tauri-driver in a process group of its own, logging to `logFile`: nothing it starts
 * (WebKitWebDriver, the app) can hold the test runner's output open, and `stopDriver` ends
 * the whole group.
 */
export async function startDriver(port, env, logFile) {
  // A driver that does not answer in time (seen once in CI, on a busy machine right after the
  // build, with nothing in its log) is stopped and started once more on the next ports.
  for (const [attempt, at] of [port, port + 2].entries()) {
    const driver = await tryDriver(at, env, logFile);
    if (driver) return { driver, port: at };
    if (attempt === 0) writeFileSync(logFile, `tauri-driver on port ${at} did not answer within 30 s; trying ${at + 2}\n`, { flag: 'a' });
  }
  throw new Error(`tauri-driver did not start within 30 s, twice (see ${logFile})`);
}

async function tryDriver(port, env, logFile) {
  const log = openSync(logFile, 'a');
  const args = ['--port', String(port), '--native-port', String(port + 1), '--native-driver', '/usr/bin/WebKitWebDriver'];
  const driver = spawn('tauri-driver', args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return driver;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  await stopDriver(driver);
  return null;
}

export async function stopDriver(driver) {
  for (const signal of ['SIGTERM', 'SIGKILL']) {
    try {
      process.kill(-driver.pid, signal);
    } catch {
      return; // the group is gone
    }
    await sleep(500);
  }
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(port, application, args) {
    const base = `http://127.0.0.1:${port}`;
    const body = { capabilities: { alwaysMatch: { 'tauri:options': { application, args } } } };
    const value = await call(base, 'POST', '/session', body);
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** The element with this data-testid; `extra` narrows it, e.g. '[data-staff-id="2"]'. */
  async find(testid, timeoutMs = 10_000, extra = '') {
    const selector = `[data-testid="${testid}"]${extra}`;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.cmd('POST', '/elements', { using: 'css selector', value: selector });
      if (found.length > 0) return Object.values(found[0])[0];
      if (Date.now() > deadline) throw await this.failure(`no element ${selector} within ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  async findAll(testid) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: `[data-testid="${testid}"]` });
    return found.map((e) => Object.values(e)[0]);
  }

  async text(testid) {
    return this.cmd('GET', `/element/${await this.find(testid)}/text`);
  }

  async waitForText(testid, predicate, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        last = await this.text(testid);
        if (predicate(last)) return last;
      } catch {
        // element not there yet
      }
      if (Date.now() > deadline) throw await this.failure(`[data-testid="${testid}"] never matched; last text: ${last}`);
      await sleep(100);
    }
  }

  async click(testid, extra = '') {
    await this.cmd('POST', `/element/${await this.find(testid, 10_000, extra)}/click`, {});
  }

  /** Ticks a checkbox and makes sure it took: a click that lands while the page shifts under
   * it (a live update above it) is tried again, up to three times. */
  async check(testid) {
    for (let attempt = 0; attempt < 3; attempt++) {
      const id = await this.find(testid);
      if (await this.cmd('GET', `/element/${id}/selected`)) return;
      await this.cmd('POST', `/element/${id}/click`, {});
      await sleep(100);
      if (await this.cmd('GET', `/element/${id}/selected`)) return;
    }
    throw await this.failure(`[data-testid="${testid}"] would not tick`);
  }

  /**
   * Clicks until `appears` is on the page: a click can be lost while a live update re-renders
   * the button (the hours view does after its settings are saved).
   */
  async clickUntil(testid, appears) {
    for (let attempt = 0; attempt < 3; attempt++) {
      await this.click(testid);
      try {
        return await this.find(appears, 3_000);
      } catch {
        // Not there yet: click again.
      }
    }
    throw await this.failure(`[data-testid="${appears}"] never appeared after clicking ${testid}`);
  }

  async typeInto(testid, text) {
    await this.cmd('POST', `/element/${await this.find(testid)}/value`, { text });
  }

  /** Key presses sent to whatever has focus, as a keyboard-wedge scanner does. */
  async keys(text) {
    const actions = [];
    for (const ch of text) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'scanner', actions }] });
  }

  /**
   * The error for a wait that timed out, with what the screen says: any error shown, and a
   * screenshot in the artifacts folder (`e2e-timeout-<time>.png`) to look at afterwards.
   */
  async failure(message) {
    let shown = '';
    try {
      const errors = await this.cmd('POST', '/elements', { using: 'css selector', value: '[data-testid="error"], [role="alert"]' });
      for (const e of errors) shown += ` | on screen: ${await this.cmd('GET', `/element/${Object.values(e)[0]}/text`)}`;
      const dir = process.env.STOREKEEP_ARTIFACTS;
      if (dir) {
        const file = join(dir, `e2e-timeout-${Date.now()}.png`);
        writeFileSync(file, await this.screenshot());
        shown += ` | screenshot: ${file}`;
      }
    } catch {
      // the window may be gone; the message alone will do
    }
    return new Error(message + shown);
  }

  /** A PNG of the window, after two animation frames so it shows the current state. */
  async screenshot() {
    await this.cmd('POST', '/execute/async', {
      script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));',
      args: [],
    });
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  async close() {
    await this.cmd('DELETE', '', undefined).catch(() => {}); // the group kill follows anyway
  }
}

async function call(base, method, path, body) {
  const r = await fetch(base + path, {
    signal: AbortSignal.timeout(60_000), // no WebDriver call may hang the suite
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json.value;
}

/**
 * The real app on a fresh demo store in a temporary data folder, driven through
 * tauri-driver, with the `storekeep` CLI pointed at the same store. `name` tells the
 * driver's log apart. Binaries come from STOREKEEP_APP / STOREKEEP_CLI (set by `make e2e`).
 */
export async function openDemo(name) {
  const app = process.env.STOREKEEP_APP;
  const cli = process.env.STOREKEEP_CLI;
  if (!app || !cli) throw new Error('STOREKEEP_APP and STOREKEEP_CLI must name the built binaries (run through `make e2e`)');
  const artifacts = process.env.STOREKEEP_ARTIFACTS ?? tmpdir();
  const port = 4444 + (process.pid % 1000);
  const dataDir = mkdtempSync(join(tmpdir(), `storekeep-e2e-${name}-`));
  const started = await startDriver(port, { STOREKEEP_DATA_DIR: dataDir }, join(artifacts, `tauri-driver-${name}.log`));
  const driver = started.driver;
  const session = await Session.create(started.port, app, ['--demo']);
  return {
    session,
    dataDir,
    artifacts,
    /** The CLI on the demo store (`--demo` keeps it in the `demo` folder of the data folder). */
    storekeep: (...args) => execFileSync(cli, ['--data-dir', join(dataDir, 'demo'), ...args], { encoding: 'utf8' }),
    async close() {
      await session.close();
      await stopDriver(driver);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
