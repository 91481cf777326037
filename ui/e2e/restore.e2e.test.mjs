// End to end, restore (issue 10): a store whose database was damaged does not open; the app
// says why and offers the restore. The manager finds the backups on the "USB stick", gives the
// secret key file and a reason, follows the progress, and gets the store back: every receipt,
// the journal verified, the damaged file kept aside. The command line then reads it back.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, startDriver, stopDriver } from './webdriver.mjs';

let driver;
let session;
let dataDir;
let artifacts;
let usb;
let storekeep;

before(async () => {
  const app = process.env.STOREKEEP_APP;
  const cli = process.env.STOREKEEP_CLI;
  if (!app || !cli) throw new Error('STOREKEEP_APP and STOREKEEP_CLI must name the built binaries (run through `make e2e`)');
  artifacts = process.env.STOREKEEP_ARTIFACTS ?? tmpdir();
  dataDir = mkdtempSync(join(tmpdir(), 'storekeep-e2e-restore-'));
  const store = join(dataDir, 'demo');
  storekeep = (...args) => execFileSync(cli, ['--data-dir', store, ...args], { encoding: 'utf8' });

  // A demo store with three sales and a backup on the "USB stick".
  usb = join(dataDir, 'usb');
  mkdirSync(usb);
  storekeep('init', '--demo');
  const code = storekeep('catalog', 'find', 'mjölk', '--limit', '1').trim().split(/\s+/)[0];
  for (let i = 0; i < 3; i += 1) storekeep('sale', '--staff', '2', '--pin', '2222', code, '--cash', '100');
  const publicKey = storekeep('backup', 'keygen', '--out', join(usb, 'backup-key.txt')).trim();
  storekeep('backup', 'setup', '--staff', '1', '--pin', '1111', '--key', publicKey, '--to', usb, '--reason', 'USB-minnet');
  storekeep('backup', 'create', '--staff', '1', '--pin', '1111');

  // The disk damages the last sale: receipt 3 becomes 4 inside its journal entry.
  const file = join(store, 'storekeep.sqlite3');
  const bytes = readFileSync(file);
  const needle = Buffer.from('"receipt_no":3');
  const at = bytes.lastIndexOf(needle);
  assert.ok(at > 0, 'the last sale is in the file');
  bytes[at + needle.length - 1] = '4'.charCodeAt(0);
  writeFileSync(file, bytes);

  const port = 4444 + (process.pid % 1000);
  const started = await startDriver(port, { STOREKEEP_DATA_DIR: dataDir }, join(artifacts, 'tauri-driver-restore.log'));
  driver = started.driver;
  session = await Session.create(started.port, app, ['--demo']);
});

after(async () => {
  await session?.close();
  await stopDriver(driver);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a damaged store is refused with a reason, and restored from a backup in the app', async () => {
  // It does not open, says why, and offers the restore.
  const error = await session.waitForText('error-message', (t) => t.length > 0, 30_000);
  assert.match(error, /skadad|damaged/i);
  await session.find('restore-flow');
  writeFileSync(join(artifacts, 'e2e-restore-offered.png'), await session.screenshot());

  await session.typeInto('restore-folder', usb);
  await session.click('restore-find');
  const choice = await session.waitForText('restore-form', (t) => t.includes('KASSA-01'));
  assert.match(choice, /3 registreringar|3 registrations/);
  await session.typeInto('restore-key', join(usb, 'backup-key.txt'));
  await session.typeInto('restore-reason', 'Disken skadade databasen');
  await session.click('restore-go');
  const outcome = await session.waitForText('restore-outcome', (t) => t.length > 0, 60_000);
  writeFileSync(join(artifacts, 'e2e-restore-done.png'), await session.screenshot());
  assert.match(outcome, /3/);
  assert.match(outcome, /replaced-/);
  await session.find('restore-no-hq');
  await session.find('restore-restart');

  // The store is back: every receipt, the chain whole, the damaged file kept, the restore audited.
  const verified = JSON.parse(storekeep('journal', 'verify', '--json'));
  assert.equal(verified.problem, null);
  assert.equal(verified.sales, 3);
  assert.match(storekeep('receipt', 'show', '3'), /Kvitto nr\s+3/);
  const kept = readdirSync(join(dataDir, 'demo')).filter((f) => f.startsWith('storekeep.sqlite3.replaced-'));
  assert.ok(kept.length >= 1, `the damaged database is kept: ${kept}`);
  assert.ok(existsSync(join(dataDir, 'demo', 'pepper.key')));
});
