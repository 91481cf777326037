// End to end, payment-method controls on the real binary and a fresh demo store:
// - the manager turns card off in one step ("Kort nere") with a reason; the page shows it at
//   once, the published sign and payments.json follow;
// - a cashier's till then tells customers (the banner) and offers only the rest: the card
//   button is off and says why; cash completes the sale;
// - a fallback rule set beforehand switches card to offline by itself when the (simulated)
//   acquirer goes down, shown to the manager as the system's action, and back when it returns.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY, openDemo } from './webdriver.mjs';

let demo;
let session;
let dataDir;
let artifacts;
let storekeep;

const ANNA = 1;
const ERIK = 2;
const MILK = '7301000000001'; // Gårdsmejeriet Mellanmjölk 1,5 %, 19,50

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
async function waitForAttribute(testid, name, value, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await attribute(testid, name);
    if (got === value) return;
    if (Date.now() > deadline) {
      writeFileSync(join(artifacts, `e2e-payments-failure-${testid}.png`), await session.screenshot());
      throw new Error(`${testid} never had ${name}=${value} (it has ${got})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function published() {
  return JSON.parse(readFileSync(join(dataDir, 'demo', 'public', 'payments.json'), 'utf8'));
}

async function scrollTo(testid) {
  await session.cmd('POST', '/execute/sync', {
    script: `document.querySelector('[data-testid="${testid}"]').scrollIntoView({ block: 'start' })`,
    args: [],
  });
}

before(async () => {
  demo = await openDemo('payments');
  ({ session, dataDir, artifacts, storekeep } = demo);
  await login(ANNA, '1111');
});

after(async () => {
  await demo?.close();
});

test('the manager turns card off in one step; the page, the sign and the feed follow', async () => {
  await session.click('nav-payments');
  await session.find('payments-view');
  assert.equal(await attribute('payment-state-card_online', 'data-availability'), 'enabled');
  await session.click('payments-card-off');
  await session.typeInto('payments-card-off-reason', 'Kortinlösaren svarar inte');
  await session.click('payments-card-off-confirm');
  await waitForAttribute('payment-state-card_online', 'data-availability', 'disabled');
  await waitForAttribute('payment-state-card_offline', 'data-availability', 'disabled');
  assert.match(await session.text('payment-state-card_online'), /Anna Lind/);
  assert.match(await session.text('payments-sign-sv'), /inte kort/);

  const feed = published();
  assert.equal(feed.format, 'storekeep-payments/1');
  assert.deepEqual(
    feed.acceptance.not_taken.map((m) => m.method),
    ['card_online'],
  );
  assert.ok(!JSON.stringify(feed).includes('Kortinlösaren svarar inte'), "the manager's reason stays inside");
  const audit = JSON.parse(storekeep('audit', 'list', '--action', 'payments.', '--json'));
  assert.equal(audit.filter((a) => a.action === 'payments.set').length, 2, JSON.stringify(audit));

  writeFileSync(join(artifacts, 'e2e-payments-view.png'), await session.screenshot());
  const pdf = join(dataDir, 'demo', 'public', 'payment-sign.pdf');
  execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', pdf, join(artifacts, 'e2e-payment-sign-pdf')]);
  const printed = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.match(printed, /I dag tar vi/);
  assert.match(printed, /Inte i dag: kort/);
});

test('the till offers only the rest and customers are told', async () => {
  await session.keys(KEY.F9);
  await login(ERIK, '2222');
  await session.waitForText('payment-banner-sv', (t) => /inte kort/.test(t));
  assert.match(await session.text('payment-banner-en'), /not cards/);
  writeFileSync(join(artifacts, 'e2e-payments-banner.png'), await session.screenshot());
  await session.keys(MILK + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('19,50'));
  await session.keys(KEY.F12);
  await session.find('tendered-input');
  assert.equal(await attribute('pay-card', 'data-available'), 'false');
  assert.equal(await attribute('pay-swish', 'data-available'), 'true');
  assert.ok((await session.text('pay-card-note')).length > 0, 'the card button says why');
  writeFileSync(join(artifacts, 'e2e-payments-till.png'), await session.screenshot());
  await session.typeInto('tendered-input', '20' + KEY.ENTER);
  await session.waitForText('receipt', (t) => t.includes('TOTALT') && /Kontant/.test(t));
  await session.keys(KEY.ENTER);
});

test('a fallback rule switches card offline when the acquirer goes down, as the system', async () => {
  await session.keys(KEY.F9);
  await login(ANNA, '1111');
  await session.click('nav-payments');
  await session.find('payments-view');
  // Card on again (the manager's changes end), then the rule, then the link cut.
  await session.click('payments-card-on');
  await session.typeInto('payments-card-on-reason', 'Kortinlösaren svarar igen');
  await session.click('payments-card-on-confirm');
  await waitForAttribute('payment-state-card_online', 'data-availability', 'enabled');
  await session.click('payments-rule-card_offline_when_acquirer_down');
  await session.typeInto('payments-rules-reason', 'Beredskap för kortavbrott');
  await session.click('payments-rules-save');
  await session.find('payments-rules-done');
  assert.equal(
    JSON.parse(storekeep('payments', 'show', '--json')).rules.map((r) => r.kind).join(),
    'card_offline_when_acquirer_down',
  );
  await session.click('payments-sim-acquirer');
  await waitForAttribute('payment-state-card_online', 'data-availability', 'disabled');
  await waitForAttribute('payment-state-card_offline', 'data-availability', 'limited');
  assert.match(await session.text('payment-state-card_online'), /System/);
  const switches = JSON.parse(storekeep('audit', 'list', '--action', 'payments.auto', '--json'));
  assert.ok(switches.length >= 2 && switches.every((a) => a.actor === null), JSON.stringify(switches));
  await scrollTo('payments-automatic');
  writeFileSync(join(artifacts, 'e2e-payments-automatic.png'), await session.screenshot());
  // The link returns: the system's switches end by themselves.
  await session.click('payments-sim-acquirer');
  await waitForAttribute('payment-state-card_online', 'data-availability', 'enabled');
});

test('a Scan & Pay purchase received from a file is checked at the exit', async () => {
  const now = new Date(Date.now() - 60_000).toISOString();
  const file = join(mkdtempSync(join(tmpdir(), 'sp-')), 'purchases.json');
  writeFileSync(
    file,
    JSON.stringify({
      format: 'storekeep-scan-and-pay/1',
      purchases: [
        {
          id: 'SP-E2E-1',
          completed_at: now,
          app_receipt: 'A-501',
          lines: [{ code: MILK, name: 'Mellanmjölk', quantity: '2', unit_price: '19.50', vat_rate: '12', line_total: '39.00' }],
          total: '39.00',
          payment: { provider: 'swish', reference: 'APP-PAY-1' },
        },
      ],
    }),
  );
  assert.match(storekeep('scan-and-pay', 'import', '--staff', String(ANNA), '--pin', '1111', file), /1 purchases recorded/);
  await session.click('nav-scan-and-pay');
  await session.find('scan-and-pay-view');
  await session.click('scan-and-pay-refresh');
  await session.find('scan-and-pay-row', 10_000, '[data-id="SP-E2E-1"]');
  assert.equal(await session.text('scan-and-pay-unchecked'), '1');
  await session.click('exit-ok');
  await session.waitForText('scan-and-pay-unchecked', (t) => t === '0');
  writeFileSync(join(artifacts, 'e2e-scan-and-pay.png'), await session.screenshot());
  const checks = JSON.parse(storekeep('audit', 'list', '--action', 'scan_and_pay.exit_check', '--json'));
  assert.equal(checks.length, 1);
  assert.match(storekeep('journal', 'verify'), /chain intact/);
});

test('the customer display opens in a window of its own and shows only what customers may see', async () => {
  const before = await session.cmd('GET', '/window/handles');
  const main = await session.cmd('GET', '/window');
  await session.click('nav-payments');
  await session.click('payments-card-off');
  await session.typeInto('payments-card-off-reason', 'Terminalen byts');
  await session.click('payments-card-off-confirm');
  await waitForAttribute('payment-state-card_online', 'data-availability', 'disabled');
  await session.click('open-customer-display-header');
  let display;
  const deadline = Date.now() + 15_000;
  while (!display) {
    const handles = await session.cmd('GET', '/window/handles');
    display = handles.find((h) => !before.includes(h));
    if (!display && Date.now() > deadline) throw new Error(`no second window (handles ${JSON.stringify(handles)})`);
    if (!display) await new Promise((r) => setTimeout(r, 200));
  }
  await session.cmd('POST', '/window', { handle: display });
  try {
    await session.waitForText('customer-screen-acceptance', (t) => /I dag tar vi/.test(t) && /inte kort/.test(t), 15_000);
    assert.match(await session.text('customer-screen-store'), /Demobutiken/);
    assert.match(await session.text('customer-screen-hours'), /Öppet|Stängt/);
    assert.equal((await session.findAll('login-staff')).length, 0, 'no staff list on the customers\' screen');
    writeFileSync(join(artifacts, 'e2e-customer-display.png'), await session.screenshot());
  } finally {
    await session.cmd('POST', '/window', { handle: main });
  }
  // The till goes on in its own window.
  await session.find('payments-view');
});
