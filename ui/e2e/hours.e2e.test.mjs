// End to end, opening hours on the real binary and a fresh demo store (open around the clock):
// - the manager sets no grace after closing, then closes the store now with a reason; the
//   header turns to closed at once (the app's event, no polling), the feed file and the door
//   sign follow, and the sign's preview is looked at;
// - a cashier then scans: the till asks for a manager's PIN, takes the scan once approved, and
//   the sale's registration names the approving manager;
// - the manager ends the closure and the store is open again.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY, openDemo } from './webdriver.mjs';

let demo;
let session;
let dataDir;
let artifacts;
let storekeep;

// The demo staff (seeded in this order): Anna Lind, manager, 1111; Erik Berg, cashier, 2222.
const ANNA = 1;
const ERIK = 2;
const MILK = '7301000000001'; // Gårdsmejeriet Mellanmjölk 1,5 %, 19,50

async function login(staffId, pin) {
  await session.find('lock-screen', 30_000);
  await session.click('login-staff', `[data-staff-id="${staffId}"]`);
  await session.typeInto('pin-input', pin + KEY.ENTER);
  await session.waitForText('session-name', (t) => t.length > 0);
}

/** The chip's data-open, once it says `open`. */
async function chipSays(open) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const chip = await session.find('hours-chip');
    const value = await session.cmd('GET', `/element/${chip}/attribute/data-open`);
    if (value === String(open)) return session.text('hours-chip');
    if (Date.now() > deadline) throw new Error(`the hours chip never said open=${open} (it says ${value})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function feed() {
  return JSON.parse(readFileSync(join(dataDir, 'demo', 'public', 'hours.json'), 'utf8'));
}

before(async () => {
  demo = await openDemo('hours');
  ({ session, dataDir, artifacts, storekeep } = demo);
  await login(ANNA, '1111');
});

after(async () => {
  await demo?.close();
});

test('the manager closes the store now: header, feed and door sign follow at once', async () => {
  assert.match(await chipSays(true), /Öppet/);
  await session.click('nav-hours');
  await session.find('hours-week');
  assert.equal((await session.findAll('hours-day-' + feed().days[0].date)).length, 1, 'today is in the week');

  // No grace after closing, so the closure bites at once.
  const grace = await session.find('hours-grace');
  await session.cmd('POST', `/element/${grace}/clear`, {});
  await session.typeInto('hours-grace', '0');
  await session.typeInto('hours-standing-reason', 'Ingen marginal vid stängning');
  await session.click('hours-standing-save');

  await session.clickUntil('hours-close-now', 'hours-change-reason');
  await session.typeInto('hours-change-reason', 'IT-incident hos kassaleverantören');
  await session.click('hours-change-confirm');

  const chip = await chipSays(false);
  assert.match(chip, /Stängt/, chip);
  await session.waitForText('hours-now', (t) => /IT-incident/.test(t));
  const days = feed().days;
  assert.equal(feed().now.open, false);
  assert.ok(days.slice(1).every((d) => d.open.length === 0 && d.changed), 'closed until further notice');
  assert.ok(!JSON.stringify(feed()).includes('IT-incident'), 'the internal reason is not published');
  const sign = await session.text('door-sign-preview');
  assert.match(sign, /Öppettider/);
  assert.match(sign, /Stängt/);
  await session.cmd('POST', '/execute/sync', {
    script: "document.querySelector('[data-testid=\"hours-now\"]').scrollIntoView({ block: 'center' })",
    args: [],
  });
  writeFileSync(join(artifacts, 'e2e-hours-view.png'), await session.screenshot());
  // The published sign itself, as a picture to look at beside the preview.
  const pdf = join(dataDir, 'demo', 'public', 'door-sign.pdf');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', pdf, join(artifacts, 'e2e-door-sign-pdf')]);
  const printed = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(printed, /Öppettider · Opening hours/);
  assert.match(printed, /Stängt\s+Closed|Closed/);
  const preview = await session.find('door-sign-preview');
  writeFileSync(
    join(artifacts, 'e2e-door-sign.png'),
    Buffer.from(await session.cmd('GET', `/element/${preview}/screenshot`), 'base64'),
  );
});

test("a cashier's sale while closed needs a manager's PIN, and the registration names her", async () => {
  await session.keys(KEY.F9);
  await login(ERIK, '2222');
  await session.waitForText('closed-banner', (t) => /stängd/i.test(t));
  await session.keys(MILK + KEY.ENTER);
  await session.find('approval-dialog');
  assert.match(await session.text('approval-dialog'), /Stängt tills vidare/);
  assert.equal((await session.findAll('cart-line')).length, 0, 'nothing on the till yet');
  writeFileSync(join(artifacts, 'e2e-hours-approval.png'), await session.screenshot());
  await session.typeInto('approval-pin', '1111' + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('19,50'));
  assert.equal((await session.findAll('cart-line')).length, 1, 'the scan counted once');
  assert.match(await session.text('outside-hours-note'), /Anna Lind/);

  await session.keys(KEY.F12);
  await session.typeInto('tendered-input', '20' + KEY.ENTER);
  await session.waitForText('receipt', (t) => t.includes('TOTALT'));
  const exported = storekeep('journal', 'export', '-');
  const sale = exported
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((e) => e.kind === 'sale')
    .at(-1);
  const payload = typeof sale.payload === 'string' ? JSON.parse(sale.payload) : sale.payload;
  assert.equal(payload.outside_hours.approved_by.name, 'Anna Lind', JSON.stringify(payload.outside_hours));
  assert.match(storekeep('journal', 'verify'), /chain intact/);
  await session.keys(KEY.ENTER);
});

test('the manager ends the closure and the store is open again', async () => {
  await session.keys(KEY.F9);
  await login(ANNA, '1111');
  await session.click('nav-hours');
  const change = JSON.parse(storekeep('hours', 'show', '--json')).changes[0];
  await session.click(`hours-end-${change.id}`);
  await session.typeInto('hours-change-reason', 'Leverantören har åtgärdat felet');
  await session.click('hours-change-confirm');
  assert.match(await chipSays(true), /Öppet/);
  assert.equal(feed().now.open, true);
  const audit = JSON.parse(storekeep('audit', 'list', '--action', 'hours.', '--json'));
  assert.deepEqual(
    audit.map((a) => [a.action, a.reason]).reverse(),
    [
      ['hours.override', 'IT-incident hos kassaleverantören'],
      ['hours.end', 'Leverantören har åtgärdat felet'],
    ],
  );
});

test('the header follows the clock by itself: a closure that runs out turns the chip back', async () => {
  // Close now until two minutes ahead (the store's clock, HH:MM): nothing on screen is touched
  // afterwards, so only the app's own hours-changed event can turn the chip back to open.
  const until = new Date(Date.now() + 120_000).toLocaleTimeString('sv-SE', {
    timeZone: 'Europe/Stockholm',
    hour: '2-digit',
    minute: '2-digit',
  });
  await session.click('hours-close-now');
  await session.typeInto('hours-change-until', until);
  await session.typeInto('hours-change-reason', 'Kort stopp');
  await session.click('hours-change-confirm');
  assert.match(await chipSays(false), /Stängt/);
  const deadline = Date.now() + 180_000;
  for (;;) {
    const chip = await session.find('hours-chip');
    if ((await session.cmd('GET', `/element/${chip}/attribute/data-open`)) === 'true') break;
    if (Date.now() > deadline) throw new Error(`the chip never turned back to open after ${until}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  assert.equal(feed().now.open, true, 'the published feed turned with it');
});
