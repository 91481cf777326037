// End to end: the real Storekeep binary on a fresh demo store, driven through its window.
// A cashier logs in with a PIN, scans two items with a keyboard-wedge scanner (no field
// focused), pays cash, and reads the receipt; the command line then finds the same receipt in
// the database and the journal verifies. A cashier's void needs a manager's PIN.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY, openDemo } from './webdriver.mjs';

let demo;
let session;
let dataDir;
let artifacts;
let storekeep;

before(async () => {
  demo = await openDemo('sale');
  ({ session, dataDir, artifacts, storekeep } = demo);
});

after(async () => {
  await demo?.close();
});

// `--demo` keeps the demo store in the `demo` folder inside the data folder.
// The demo staff (seeded in this order): Anna Lind, manager, 1111; Erik Berg, cashier, 2222.
const ANNA = 1;
const ERIK = 2;

async function login(staffId, pin) {
  await session.click('login-staff', `[data-staff-id="${staffId}"]`);
  await session.typeInto('pin-input', pin + KEY.ENTER);
  await session.waitForText('session-name', (t) => t.length > 0);
}


test('a cashier sells two items for cash and gets a complete receipt', async () => {
  // The demo store is seeded on first start and opens on the lock screen.
  await session.find('lock-screen', 30_000);
  assert.match(await session.text('demo-pins'), /2222/, 'the demo screen shows the demo PINs');
  writeFileSync(join(artifacts, 'e2e-lock-screen.png'), await session.screenshot());
  await login(ERIK, '2222');
  await session.find('cart-empty');
  const demoCodes = (await session.findAll('demo-item')).length;
  assert.ok(demoCodes >= 2, 'the demo screen lists codes to try');
  const milk = '7301000000001'; // Gårdsmejeriet Mellanmjölk 1,5 %, 19,50
  const milkLarge = '7301000000018'; // … stor, 19,90

  await session.keys(milk + KEY.ENTER + milkLarge + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('39,40'));
  const lines = await session.findAll('cart-line');
  assert.equal(lines.length, 2);
  assert.match(await session.text('cash-total'), /39,00/);
  assert.match(await session.text('cash-rounding'), /-0,40/);
  assert.match(await session.text('vat-line'), /6/);
  writeFileSync(join(artifacts, 'e2e-cart.png'), await session.screenshot());

  await session.keys(KEY.F12);
  await session.find('tendered-input');
  await session.typeInto('tendered-input', '50' + KEY.ENTER);

  const receipt = await session.waitForText('receipt', (t) => t.includes('TOTALT'));
  for (const field of [
    'Demobutiken Storekeep AB',
    '559412-3456',
    'Storgatan 1, 753 20 Uppsala',
    'KASSA-01',
    'Gårdsmejeriet Mellanmjölk 1,5 %',
    'Kontant',
    'Kontrollenhet SIM-KE-0001 (simulator)',
    'Kontrollkod',
    'Erik Berg',
  ]) {
    assert.ok(receipt.includes(field), `the receipt shows ${field}:\n${receipt}`);
  }
  assert.match(await session.text('receipt-no'), /\b1\b/);
  assert.match(await session.text('change'), /11,00/);
  writeFileSync(join(artifacts, 'e2e-receipt.png'), await session.screenshot());

  // What the window showed is what was committed.
  const stored = JSON.parse(storekeep('receipt', 'show', '1', '--json'));
  assert.equal(stored.total, '39.40');
  assert.equal(stored.rounding, '-0.40');
  assert.equal(stored.payments[0].change, '11.00');
  assert.equal(stored.lines.length, 2);
  assert.match(storekeep('journal', 'verify'), /1 entries, 1 receipts in an unbroken series, 0 reports; chain intact/);

  // Enter starts the next sale on an empty till.
  await session.keys(KEY.ENTER);
  await session.find('cart-empty');
});

test('a misread barcode is refused with a clear message and the sale goes on', async () => {
  await session.keys('7301000000001' + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('19,50'));
  await session.keys('7301000000002' + KEY.ENTER);
  const alert = await session.waitForText('error', (t) => t.length > 0);
  assert.match(alert, /fel kontrollsiffra/i, 'the till speaks Swedish by default');
  assert.equal((await session.findAll('cart-line')).length, 1, 'the cart is untouched');
  writeFileSync(join(artifacts, 'e2e-error.png'), await session.screenshot());
});

test("a cashier's void needs a manager's PIN, and the journal names both", async () => {
  await session.keys('7301000000018' + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('39,40'));
  assert.equal((await session.findAll('cart-line')).length, 2);

  await session.click('void-line', '[data-index="1"]');
  await session.find('approval-dialog');
  await session.typeInto('approval-pin', '0000' + KEY.ENTER);
  await session.waitForText('approval-dialog', (t) => /fel pin/i.test(t));
  writeFileSync(join(artifacts, 'e2e-approval.png'), await session.screenshot());
  await session.typeInto('approval-pin', '1111' + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('19,50'));
  assert.equal((await session.findAll('cart-line')).length, 1);

  const log = JSON.parse(storekeep('audit', 'list', '--action', 'approval.', '--json'));
  assert.equal(log[0].actor.name, 'Erik Berg');
  assert.equal(log[0].approved_by.name, 'Anna Lind');
  assert.match(storekeep('journal', 'verify'), /2 entries, 1 receipts in an unbroken series, 0 reports; chain intact/);

  // Switching cashier keeps the sale: the manager logs in and finds it.
  await session.keys('\uE039'); // F9
  await session.find('lock-screen');
  await login(ANNA, '1111');
  assert.equal((await session.findAll('cart-line')).length, 1);

  // The manager's audit view shows the approval with both names.
  await session.click('nav-audit');
  const audit = await session.waitForText('audit-view', (t) => t.includes('approval.void_line'));
  assert.ok(audit.includes('Erik Berg') && audit.includes('Anna Lind'), audit);
  writeFileSync(join(artifacts, 'e2e-audit.png'), await session.screenshot());
  await session.click('nav-staff');
  await session.waitForText('staff-view', (t) => t.includes('Bakkontoret'));
  writeFileSync(join(artifacts, 'e2e-staff.png'), await session.screenshot());
});

test('a manager imports a price file: a bad one changes nothing, a good one is sold at once', async () => {
  await session.click('nav-catalog');
  await session.find('catalog-view');
  const file = join(dataDir, 'prices.csv');
  // Row 3 has a wrong check digit: nothing may be imported.
  writeFileSync(file, 'code;plu;name;price;sold_by;vat_category\n7312345678909;;Provmust 1,4 l;24,90;each;food\n7312345678900;;Fel;1;each;food\n');
  await session.typeInto('catalog-file', file);
  await session.click('catalog-import-submit');
  await session.waitForText('catalog-import-error', (t) => /3/.test(t));
  writeFileSync(join(artifacts, 'e2e-import-refused.png'), await session.screenshot());
  assert.doesNotMatch(storekeep('catalog', 'find', 'provmust'), /Provmust/, 'nothing was imported');

  writeFileSync(file, 'code;plu;name;price;sold_by;vat_category\n7312345678909;;Provmust 1,4 l;24,90;each;food\n');
  await session.typeInto('catalog-file', file);
  await session.click('catalog-import-submit');
  await session.waitForText('catalog-import-summary', (t) => /1/.test(t));
  writeFileSync(join(artifacts, 'e2e-import.png'), await session.screenshot());
  assert.match(storekeep('catalog', 'find', 'provmust'), /Provmust 1,4 l/);

  await session.click('nav-settings');
  await session.find('settings-view');
  writeFileSync(join(artifacts, 'e2e-settings.png'), await session.screenshot());
  await session.click('nav-till');
  await session.keys('7312345678909' + KEY.ENTER);
  await session.waitForText('total', (t) => t.includes('44,40')); // the milk still on the sale + 24,90
});
