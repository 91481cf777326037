// End to end, the till part 1: the real binary on a fresh demo store, with the simulated card
// terminal and Swish (the demo's simulator panel chooses their next outcome).
// - a weighed item found by name, a line discount, and a split of card and cash;
// - a declined card followed by Swish (the QR code shown, paid by the simulated customer);
// - a parked sale resumed after another customer was served.
// The command line then reads the registered receipts back from the database.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY, openDemo } from './webdriver.mjs';

let demo;
let session;
let artifacts;
let storekeep;

before(async () => {
  demo = await openDemo('till');
  ({ session, artifacts, storekeep } = demo);
  await session.find('lock-screen', 30_000);
  await session.click('login-staff', '[data-staff-id="2"]'); // Erik Berg, cashier
  await session.typeInto('pin-input', '2222' + KEY.ENTER);
  await session.waitForText('session-name', (t) => t.length > 0);
});

after(async () => {
  await demo?.close();
});

/** The element's text shows this amount (not just ends with it: 28,80 is not 8,80). */
const shows = (amount) => (text) => new RegExp(`(^|[^0-9])${amount}`).test(text);

const MILK = '7301000000001'; // Gårdsmejeriet Mellanmjölk 1,5 %, 19,50
const MILK_LARGE = '7301000000018'; // … stor, 19,90

test('a weighed item, a line discount, and a split of card and cash', async () => {
  await session.find('cart-empty');
  // Loose bananas have no barcode: F2, type the name, Enter, type the weight.
  await session.keys(KEY.F2);
  await session.typeInto('search-input', 'banan');
  await session.waitForText('search-result', (t) => t.includes('Banan'));
  writeFileSync(join(artifacts, 'e2e-search.png'), await session.screenshot());
  await session.keys(KEY.ENTER);
  await session.typeInto('weight-input', '0,452' + KEY.ENTER);
  await session.waitForText('total', shows('11,25')); // 0,452 kg × 24,90

  await session.keys(MILK + KEY.ENTER);
  await session.waitForText('total', shows('30,75'));
  // F4: a discount on the selected (last) line, 10 % for a damaged pack.
  await session.keys(KEY.F4);
  await session.find('discount-dialog');
  await session.click('discount-kind', ' option[value="percent"]');
  await session.typeInto('discount-value', '10');
  await session.typeInto('discount-reason', 'Skadad förpackning' + KEY.ENTER);
  await session.waitForText('total', shows('28,80')); // 30,75 − 1,95
  assert.match(await session.text('discounts'), /1,95/);

  // F12: 20 kr on card, the rest in cash.
  await session.keys(KEY.F12);
  await session.typeInto('pay-amount-input', '20');
  await session.click('pay-card');
  await session.waitForText('remaining', shows('8,80'));
  assert.match(await session.text('amount-due'), /(^|[^0-9])9,00/, 'the cash rest is rounded to whole kronor');
  assert.equal((await session.findAll('tender-line')).length, 1);
  writeFileSync(join(artifacts, 'e2e-split.png'), await session.screenshot());
  await session.typeInto('tendered-input', '10' + KEY.ENTER);
  const receipt = await session.waitForText('receipt', (t) => t.includes('TOTALT'));
  for (const field of ['Banan', '0,452 kg', 'Rabatt 10 % (Skadad förpackning)', 'Kort', 'Kontant', '28,80']) {
    assert.ok(receipt.includes(field), `the receipt shows ${field}:\n${receipt}`);
  }
  writeFileSync(join(artifacts, 'e2e-split-receipt.png'), await session.screenshot());

  const stored = JSON.parse(storekeep('receipt', 'show', '1', '--json'));
  assert.equal(stored.total, '28.80');
  assert.deepEqual(
    stored.payments.map((p) => [p.label, p.amount]),
    [
      ['Kort', '20.00'],
      ['Kontant', '9.00'],
    ],
  );
  assert.equal(stored.rounding, '0.20');
  await session.keys(KEY.ENTER);
  await session.find('cart-empty');
});

test('a declined card, then Swish', async () => {
  await session.keys(MILK + KEY.ENTER);
  await session.waitForText('total', shows('19,50'));
  // The demo's simulator panel: the next card payment is declined.
  await session.click('sim-card-select', ' option[value="decline"]');
  await session.keys(KEY.F12);
  await session.click('pay-card');
  const alert = await session.waitForText('error', (t) => t.length > 0);
  assert.match(alert, /nekad/i, alert);
  assert.equal((await session.findAll('tender-line')).length, 0, 'nothing was taken');

  await session.click('pay-swish');
  await session.find('swish-qr');
  writeFileSync(join(artifacts, 'e2e-swish.png'), await session.screenshot());
  const receipt = await session.waitForText('receipt', (t) => t.includes('TOTALT'), 20_000);
  assert.ok(receipt.includes('Swish'), receipt);
  const stored = JSON.parse(storekeep('receipt', 'show', '2', '--json'));
  assert.deepEqual(stored.payments.map((p) => p.label), ['Swish']);
  assert.equal(stored.rounding, '0.00', 'Swish is never rounded');
  await session.keys(KEY.ENTER);
  await session.find('cart-empty');
});

test('a parked sale is resumed after the next customer', async () => {
  await session.keys(MILK + KEY.ENTER);
  await session.waitForText('total', shows('19,50'));
  await session.keys(KEY.F7); // park
  await session.find('cart-empty');

  await session.keys(MILK_LARGE + KEY.ENTER);
  await session.waitForText('total', shows('19,90'));
  await session.keys(KEY.F12);
  await session.typeInto('tendered-input', '20' + KEY.ENTER);
  await session.waitForText('receipt', (t) => t.includes('TOTALT'));
  await session.keys(KEY.ENTER);
  await session.find('cart-empty');

  await session.keys(KEY.F8); // the parked sales
  await session.waitForText('parked-sale', shows('19,50'));
  writeFileSync(join(artifacts, 'e2e-parked.png'), await session.screenshot());
  await session.click('parked-sale');
  await session.waitForText('total', shows('19,50'));
  await session.keys(KEY.F12);
  await session.typeInto('tendered-input', '20' + KEY.ENTER);
  await session.waitForText('receipt', (t) => t.includes('Mellanmjölk'));
  const stored = JSON.parse(storekeep('receipt', 'show', '4', '--json'));
  assert.equal(stored.total, '19.50');
  assert.match(storekeep('journal', 'verify'), /4 receipts in an unbroken series, 0 reports; chain intact/);
});

test('a card payment whose answer is lost is asked about, not charged again', async () => {
  await session.keys(KEY.ENTER); // the next sale
  await session.find('cart-empty');
  await session.keys(MILK + KEY.ENTER);
  await session.waitForText('total', shows('19,50'));
  // The terminal charges the card, but its answer never reaches the till.
  await session.click('sim-card-select', ' option[value="timeout_after_charge"]');
  await session.keys(KEY.F12);
  await session.click('pay-card');
  await session.find('card-unknown');
  writeFileSync(join(artifacts, 'e2e-card-unknown.png'), await session.screenshot());
  await session.click('pay-card'); // asks the terminal about the earlier request first
  const receipt = await session.waitForText('receipt', (t) => t.includes('TOTALT'));
  assert.equal((receipt.match(/Kort/g) ?? []).length, 1, receipt);
  const stored = JSON.parse(storekeep('receipt', 'show', '5', '--json'));
  assert.deepEqual(stored.payments.map((p) => [p.label, p.amount]), [['Kort', '19.50']]);
});

test('a burst of scans is neither lost nor merged', async () => {
  await session.keys(KEY.ENTER); // the next sale
  await session.find('cart-empty');
  // Ten labels in one go, as fast as the driver can type: a scanner's Enter ends each.
  let burst = '';
  for (let i = 0; i < 10; i++) burst += (i % 2 === 0 ? MILK : MILK_LARGE) + KEY.ENTER;
  await session.keys(burst);
  await session.waitForText('total', shows('197,00')); // 5 × 19,50 + 5 × 19,90
  const lines = await session.findAll('cart-line');
  assert.equal(lines.length, 2, 'repeated items raise the quantity of their line');
  assert.equal((await session.findAll('error')).length, 0, 'no scan was misread');
});
