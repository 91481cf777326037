// End to end: the real Storekeep binary on a fresh demo store, driven through its window.
// A cashier scans two items with a keyboard-wedge scanner (no field focused), pays cash,
// and reads the receipt; the command line then finds the same receipt in the database and
// the journal verifies.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEY, Session, startDriver } from './webdriver.mjs';

const app = process.env.STOREKEEP_APP;
const cli = process.env.STOREKEEP_CLI;
const artifacts = process.env.STOREKEEP_ARTIFACTS ?? tmpdir();
const port = 4444 + (process.pid % 1000);

let driver;
let session;
let dataDir;

before(async () => {
  assert.ok(app && cli, 'STOREKEEP_APP and STOREKEEP_CLI must name the built binaries (run through `make e2e`)');
  dataDir = mkdtempSync(join(tmpdir(), 'storekeep-e2e-'));
  driver = await startDriver(port, { STOREKEEP_DATA_DIR: dataDir });
  session = await Session.create(port, app, ['--demo']);
});

after(async () => {
  await session?.close();
  driver?.kill();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// `--demo` keeps the demo store in the `demo` folder inside the data folder.
function storekeep(...args) {
  return execFileSync(cli, ['--data-dir', join(dataDir, 'demo'), ...args], { encoding: 'utf8' });
}

test('a cashier sells two items for cash and gets a complete receipt', async () => {
  // The demo store is seeded on first start; its first two articles:
  await session.find('cart-empty', 30_000);
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
    'Ingen kontrollenhet ansluten',
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
  assert.match(storekeep('journal', 'verify'), /1 entries, 1 sales, chain intact/);

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
