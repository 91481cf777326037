// End to end, the Swedish cash-register rules: the real binary on a fresh demo store.
// - the demo manager sells an item for cash, then takes the whole receipt back: the return
//   receipt is marked RETUR and names the receipt it returns against;
// - the manager's reports page takes the Z-dagrapport (asked twice), which counts the return
//   under item 16, and a second Z the same day is refused plainly; the journal still verifies.
// The command line then reads the return back from the database.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KEY, openDemo } from './webdriver.mjs';

let demo;
let session;
let artifacts;
let storekeep;

// The demo staff (seeded in this order): Anna Lind, manager, 1111; Erik Berg, cashier, 2222.
const ANNA = 1;

before(async () => {
  demo = await openDemo('fiscal');
  ({ session, artifacts, storekeep } = demo);
  await session.find('lock-screen', 30_000);
  await session.click('login-staff', `[data-staff-id="${ANNA}"]`);
  await session.typeInto('pin-input', '1111' + KEY.ENTER);
  await session.waitForText('session-name', (t) => t.length > 0);
});

after(async () => {
  await demo?.close();
});

/** The element's text shows this amount (not just ends with it: 28,80 is not 8,80). */
const shows = (amount) => (text) => new RegExp(`(^|[^0-9])${amount}`).test(text);

const MILK = '7301000000001'; // Gårdsmejeriet Mellanmjölk 1,5 %, 19,50

/** The number a receipt on screen carries. */
async function receiptNo() {
  const match = /\d+/.exec(await session.text('receipt-no'));
  assert.ok(match, 'the receipt shows its number');
  return Number(match[0]);
}

/** The first of these data-testids that is on screen (waits for one). */
async function firstOf(testids, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const testid of testids) {
      const found = await session.findAll(testid);
      if (found.length > 0) return found[0];
    }
    if (Date.now() > deadline) throw new Error(`none of ${testids.join(', ')} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * The reports page: through the header's own entry when there is one, else through any manager
 * page's register navigation (Inställningar, then Rapporter).
 */
async function openReports() {
  if ((await session.findAll('nav-reports')).length > 0) {
    await session.click('nav-reports');
  } else {
    await session.click('nav-settings');
    await session.click('register-nav-reports');
  }
  await session.find('reports-view');
}

/** Takes the Z report: the button, then the confirmation. */
async function takeZ() {
  await session.click('report-take-z');
  await session.find('z-confirm-dialog');
  await session.click('z-confirm');
}

test('the manager sells an item for cash and takes the whole receipt back', async () => {
  await session.find('cart-empty');
  await session.keys(MILK + KEY.ENTER);
  await session.waitForText('total', shows('19,50'));
  await session.keys(KEY.F12);
  await session.typeInto('tendered-input', '20' + KEY.ENTER);
  await session.waitForText('receipt', (t) => t.includes('TOTALT'));
  const sold = await receiptNo();
  assert.equal((await session.findAll('receipt-mark')).length, 0, 'a sale carries no mark');
  await session.keys(KEY.ENTER); // the next sale
  await session.find('cart-empty');

  // The return dialog, from the till's action bar (F9 switches cashier).
  await session.click('return-button');
  const receiptField = await firstOf(['return-receipt-no', 'return-receipt-input']);
  await session.cmd('POST', `/element/${receiptField}/value`, { text: String(sold) + KEY.ENTER });
  await session.find('return-all');
  await session.click('return-all');
  await session.typeInto('return-reason', 'Kunden ångrade köpet');
  writeFileSync(join(artifacts, 'e2e-return-dialog.png'), await session.screenshot());
  await session.click('return-confirm');

  const mark = await session.waitForText('receipt-mark', (t) => t.includes('RETUR'));
  assert.match(mark, /RETUR/);
  const receipt = await session.text('receipt');
  assert.ok(receipt.includes('Mellanmjölk'), `the return receipt lists the item:\n${receipt}`);
  assert.match(await session.text('receipt-original'), new RegExp(`(^|\\D)${sold}(\\D|$)`), 'it names the receipt returned against');
  writeFileSync(join(artifacts, 'e2e-return-receipt.png'), await session.screenshot());

  const returned = await receiptNo();
  assert.ok(returned > sold, 'the return has a receipt number of its own');
  const stored = JSON.parse(storekeep('receipt', 'show', String(returned), '--json'));
  assert.equal(stored.kind, 'return');
  assert.equal(stored.original_receipt_no, sold);
  assert.equal(stored.lines.length, 1);
});

test("the Z report closes the day with the return in it, and a second one is refused", async () => {
  await openReports();
  await session.find('z-list-empty');

  // The Z asks first: the confirmation, then the report.
  await session.click('report-take-z');
  await session.find('z-confirm-dialog');
  writeFileSync(join(artifacts, 'e2e-z-confirm.png'), await session.screenshot());
  await session.click('z-confirm');

  const report = await session.waitForText('report-text', (t) => t.includes('Z-dagrapport'));
  assert.match(report, /Z-dagrapport nr 1/, report);
  // Item 16: one return, for the milk's 19,50.
  assert.match(report, /16 Returer\s*\n\s*Antal\s+1\s*\n\s*Belopp\s+19,50 kr/, report);
  assert.match(await session.text('report-heading'), /Z-rapport nummer 1/);
  assert.match(await session.text('report-returns'), /1 st/);
  await session.waitForText('z-list', (t) => t.includes('Visa igen'));
  assert.equal((await session.findAll('z-row')).length, 1);
  writeFileSync(join(artifacts, 'e2e-z-report.png'), await session.screenshot());

  // The day is closed: a second Z the same day is refused, and said so plainly.
  await takeZ();
  const refused = await session.waitForText('report-already-done', (t) => /redan tagen/i.test(t));
  assert.match(refused, /Z-rapport/, refused);
  assert.equal((await session.findAll('error')).length, 0, 'not shown as a failure');
  assert.equal((await session.findAll('z-row')).length, 1, 'no second Z was taken');
  writeFileSync(join(artifacts, 'e2e-z-already.png'), await session.screenshot());

  // The journal still verifies, from the manager's page and from the command line.
  await session.click('journal-verify');
  await session.find('journal-ok');
  assert.equal((await session.findAll('journal-problem')).length, 0);
  assert.match(storekeep('journal', 'verify'), /chain intact/);
});
