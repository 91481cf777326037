// End to end, degraded mode on the real binary and a fresh demo store:
// - the status board shows every dependency; a simulated acquirer failure turns it red within
//   seconds (the app's own monitor, live by its event), the store degraded with an incident,
//   and back to normal when the link answers again;
// - island mode: HQ's key pinned and a signed command sealed from the command line; with the
//   manager's island switch on, the command is refused; with it off (a reason, audited), the
//   same command is accepted;
// - a drill marks its simulated failures practice on the board and the header beside the real mode;
// - the incident report shows what was down and takes a note.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY, openDemo } from './webdriver.mjs';

let demo;
let session;
let artifacts;
let storekeep;

const ANNA = 1;

async function login(staffId, pin) {
  await session.find('lock-screen', 30_000);
  await session.click('login-staff', `[data-staff-id="${staffId}"]`);
  await session.typeInto('pin-input', pin + KEY.ENTER);
  await session.waitForText('session-name', (t) => t.length > 0);
}

async function attribute(testid, name) {
  const el = await session.find(testid);
  return session.cmd('GET', `/element/${el}/attribute/${name}`);
}

/** Waits until the element's attribute has `value` (the app's own event redraws it). */
async function waitForAttribute(testid, name, value, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await attribute(testid, name);
    if (got === value) return;
    if (Date.now() > deadline) {
      writeFileSync(join(artifacts, `e2e-degraded-failure-${testid}.png`), await session.screenshot());
      throw new Error(`${testid} never had ${name}=${value} (it has ${got})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function scrollTo(testid) {
  await session.cmd('POST', '/execute/sync', {
    script: `document.querySelector('[data-testid="${testid}"]').scrollIntoView({ block: 'start' })`,
    args: [],
  });
}

/** Runs the CLI expecting it to fail; returns what it said. */
function refused(...args) {
  try {
    storekeep(...args);
  } catch (e) {
    return String(e.stderr);
  }
  throw new Error(`storekeep ${args.join(' ')} succeeded`);
}

before(async () => {
  demo = await openDemo('degraded');
  ({ session, artifacts, storekeep } = demo);
  await login(ANNA, '1111');
});

after(async () => {
  await demo?.close();
});

test('a simulated acquirer failure turns red live, degrades the store and recovers', async () => {
  await session.click('mode-chip');
  await session.find('status-view');
  await waitForAttribute('store-mode', 'data-mode', 'normal');
  await waitForAttribute('dep-card_acquirer', 'data-level', 'green');
  writeFileSync(join(artifacts, 'e2e-status-normal.png'), await session.screenshot());

  const cut = Date.now();
  await session.click('sim-card_acquirer-down');
  await waitForAttribute('dep-card_acquirer', 'data-level', 'red');
  const seen = Date.now() - cut;
  await waitForAttribute('store-mode', 'data-mode', 'degraded');
  await waitForAttribute('mode-chip', 'data-mode', 'degraded');
  await session.find('incident-open');
  writeFileSync(join(artifacts, 'e2e-status-degraded.png'), await session.screenshot());
  // The command line reads the same facts from the store.
  const board = JSON.parse(storekeep('status', '--json'));
  assert.equal(board.mode.mode.kind, 'degraded');
  assert.deepEqual(board.mode.mode.lost, ['card_acquirer']);
  assert.equal(board.payments.health.acquirer_reachable, false);
  console.log(`acquirer failure on the board ${seen} ms after the switch`);

  await session.click('sim-card_acquirer-up');
  await waitForAttribute('dep-card_acquirer', 'data-level', 'green');
  await waitForAttribute('store-mode', 'data-mode', 'normal');
  const incidents = JSON.parse(storekeep('incident', 'list', '--json'));
  assert.equal(incidents.length, 1);
  assert.ok(incidents[0].closed_at, 'the incident closed when the store was back to normal');
  assert.match(storekeep('journal', 'verify'), /chain intact/);
});

test('island mode refuses HQ signed command until a manager leaves it', async () => {
  const hq = mkdtempSync(join(tmpdir(), 'storekeep-e2e-hq-'));
  const key = join(hq, 'hq.key');
  const publicKey = storekeep('remote', 'keygen', key).trim();
  storekeep('remote', 'pin', '--staff', String(ANNA), '--pin', '1111', '--public-key', publicKey, '--store-id', 'butik-1', '--reason', 'Anslutning till HK');
  const body = join(hq, 'notice.json');
  writeFileSync(body, JSON.stringify({ command: 'set_notice', sv: 'Endast kontanter i dag', en: 'Cash only today', reason: 'HK' }));
  const sealed = join(hq, 'notice.env');
  storekeep('remote', 'seal', '--key', key, '--store-id', 'butik-1', '--counter', '1', '--kind', 'command', body, '--out', sealed);
  await session.find('remote-pinned');

  await scrollTo('island');
  await session.click('island-on');
  await session.typeInto('island-on-reason', 'Misstänkt intrång hos kassaleverantören');
  await session.click('island-on-confirm');
  await waitForAttribute('store-mode', 'data-mode', 'island');
  await waitForAttribute('mode-chip', 'data-mode', 'island');
  writeFileSync(join(artifacts, 'e2e-status-island.png'), await session.screenshot());
  assert.match(refused('remote', 'receive', sealed), /island mode/);
  await waitForAttribute('remote-refused', 'data-count', '1');

  await scrollTo('island');
  await session.click('island-off');
  await session.typeInto('island-off-reason', 'Leverantören bekräftar att allt är rent');
  await session.click('island-off-confirm');
  await waitForAttribute('store-mode', 'data-mode', 'normal');
  assert.match(storekeep('remote', 'receive', sealed), /customer notice set/);
  const audit = JSON.parse(storekeep('audit', 'list', '--action', 'island.', '--json'));
  assert.deepEqual(audit.map((a) => a.action).sort(), ['island.enter', 'island.leave']);
  assert.ok(audit.every((a) => a.actor?.name === 'Anna Lind' && a.reason));
});

test('a drill is marked practice on the board and the till; its report takes a note', async () => {
  await scrollTo('drill-start-form');
  await session.check('drill-dep-swish');
  await session.typeInto('drill-reason', 'Fredagsövning: Swish nere');
  await session.click('drill-start');
  await session.find('drill-running');
  await waitForAttribute('dep-swish', 'data-practice', 'true');
  await waitForAttribute('store-mode', 'data-mode', 'normal');
  await session.waitForText('drill-chip', (t) => /ÖVNING|DRILL/.test(t));
  writeFileSync(join(artifacts, 'e2e-status-drill.png'), await session.screenshot());

  await session.click('drill-report');
  await session.find('incident-report');
  await session.find('incident-report-practice');
  await session.typeInto('incident-note-text', 'Kassorna tog kontanter utan problem');
  await session.click('incident-note-add');
  await session.waitForText('incident-timeline', (t) => t.includes('Kassorna tog kontanter'));
  writeFileSync(join(artifacts, 'e2e-incident-report.png'), await session.screenshot());
  await session.click('incident-report-close');

  await scrollTo('drill-running');
  await session.typeInto('drill-end-reason', 'Övningen klar');
  await session.click('drill-end');
  await session.find('drill-start-form');
  const incidents = JSON.parse(storekeep('incident', 'list', '--json'));
  const drill = incidents.find((i) => i.practice);
  assert.ok(drill && drill.closed_at, 'the drill ended');
  assert.ok(incidents.filter((i) => !i.practice).every((i) => i.closed_at), 'nothing real was opened');
});
