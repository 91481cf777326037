import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { BackupStatus, FoundBackup, Manifest, Progress, RestoreOutcome } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import BackupSection from './BackupSection.svelte';
import RestoreFlow from './RestoreFlow.svelte';

// ---------------------------------------------------------------- fake api

const backupStatus = vi.fn<Api['backupStatus']>();
const configureBackups = vi.fn<Api['configureBackups']>();
const backupNow = vi.fn<Api['backupNow']>();
const findBackups = vi.fn<Api['findBackups']>();
const restoreBackup = vi.fn<Api['restoreBackup']>();
const restartApp = vi.fn<Api['restartApp']>();
const catchUp = vi.fn<Api['catchUp']>();
let progressHandler: ((p: Progress) => void) | null = null;
const onBackupProgress = vi.fn<Api['onBackupProgress']>(async (handler) => {
  progressHandler = handler;
  return () => (progressHandler = null);
});

const fakeApi = {
  backupStatus,
  configureBackups,
  backupNow,
  findBackups,
  restoreBackup,
  restartApp,
  catchUp,
  onBackupProgress,
} as unknown as Api;

const KEY = 'storekeep-backup-key-1:' + 'ab'.repeat(32);

const CONFIGURED: BackupStatus = {
  config: { public_key: KEY, destination: '/media/usb', every_minutes: 60, keep: 48, to_hq: true },
  key_fingerprint: '668ce455',
  catch_up_pending: false,
  recent: [
    { file: '', created_at: '2026-11-28T18:00:00Z', reason: 'scheduled', entries: 0, bytes: 0, verified: false, problem: 'The backup could not be written to /media/usb', sent_to_hq: null },
    { file: '/media/usb/KASSA-01-20261128T170000Z.skbackup', created_at: '2026-11-28T17:00:00Z', reason: 'Z report 4', entries: 812, bytes: 565785, verified: true, problem: null, sent_to_hq: false },
  ],
};

const MANIFEST: Manifest = {
  format: 'storekeep-backup/1',
  company_name: 'Demobutiken Storekeep AB',
  org_number: '559412-3456',
  register_id: 'KASSA-01',
  created_at: '2026-11-28T17:00:00Z',
  reason: 'Z report 4',
  schema_version: 11,
  heads: [['KASSA-01', 812, 'ab'.repeat(32)]],
  entries: 812,
  database_bytes: 565248,
  database_sha256: 'cd'.repeat(32),
  key_fingerprint: '668ce455',
  ephemeral: 'ef'.repeat(32),
};

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function text(testId: string): string {
  return (get(testId).textContent ?? '').replace(/\s+/g, ' ').trim();
}

function typeInto(testId: string, value: string): void {
  const input = get(testId) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  flushSync();
}

function waitFor(assertion: () => void): Promise<void> {
  return vi.waitFor(
    () => {
      flushSync();
      assertion();
    },
    { timeout: 2000, interval: 5 },
  );
}

function submit(testId: string): void {
  (get(testId) as HTMLFormElement).requestSubmit();
  flushSync();
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  for (const f of [backupStatus, configureBackups, backupNow, findBackups, restoreBackup, restartApp, catchUp]) f.mockReset();
  progressHandler = null;
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

function render(component: typeof BackupSection | typeof RestoreFlow): void {
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(component, { target: container, props: { till: new Till(fakeApi) } });
  flushSync();
}

// ------------------------------------------------------------------- tests

describe('BackupSection', () => {
  it('shows where backups go, and a failed one stands out from a verified one', async () => {
    backupStatus.mockResolvedValue(CONFIGURED);
    render(BackupSection);
    await waitFor(() => expect(query('backup-config')).not.toBeNull());
    expect(text('backup-config')).toContain('/media/usb');
    expect(text('backup-config')).toContain('668ce455');
    const records = container.querySelectorAll<HTMLElement>('[data-testid="backup-record"]');
    expect([...records].map((r) => r.dataset.verified)).toEqual(['false', 'true']);
    expect(records[0].textContent).toContain('misslyckades');
    expect(records[0].textContent).toContain('could not be written');
    expect(records[1].textContent).toContain('812 registreringar');
    // Why, in the till's language.
    expect(records[0].textContent).toContain('schemalagd');
    expect(records[1].textContent).toContain('efter Z-rapport 4');
    expect(records[1].querySelector('[data-testid="backup-sent-to-hq"]')?.textContent).toContain('kunde inte skickas till HK');
  });

  it('after a restore that missed HQ, says nothing can be registered and catches up on request', async () => {
    backupStatus.mockResolvedValueOnce({ ...CONFIGURED, catch_up_pending: true }).mockResolvedValue(CONFIGURED);
    catchUp.mockResolvedValue(37);
    render(BackupSection);
    await waitFor(() => expect(query('catch-up-pending')).not.toBeNull());
    expect(text('catch-up-pending')).toContain('Inget kan registreras');
    get('catch-up').click();
    flushSync();
    await waitFor(() => expect(query('backup-done')).not.toBeNull());
    expect(text('backup-done')).toContain('37');
    expect(query('catch-up-pending')).toBeNull();
  });

  it('says plainly when backups are not set up, and offers no backup button', async () => {
    backupStatus.mockResolvedValue({ config: null, key_fingerprint: null, recent: [], catch_up_pending: false });
    render(BackupSection);
    await waitFor(() => expect(get('backup-config').dataset.configured).toBe('false'));
    expect(text('backup-config')).toContain('inte inställd');
    expect(query('backup-now')).toBeNull();
    expect(query('backup-recent-empty')).not.toBeNull();
  });

  it('makes a backup now, following its progress, then reloads the list', async () => {
    backupStatus.mockResolvedValue(CONFIGURED);
    let finish: (() => void) | null = null;
    backupNow.mockImplementation(
      () =>
        new Promise((resolve) => {
          finish = () => resolve({ ...CONFIGURED.recent[1], file: '/media/usb/new.skbackup' });
        }),
    );
    render(BackupSection);
    await waitFor(() => expect(query('backup-now')).not.toBeNull());
    get('backup-now').click();
    flushSync();
    await waitFor(() => expect(progressHandler).not.toBeNull());
    progressHandler!({ stage: 'seal', done: 50, total: 100 });
    await waitFor(() => expect(get('backup-progress').dataset.stage).toBe('seal'));
    expect(text('backup-progress')).toContain('50 %');
    finish!();
    await waitFor(() => expect(query('backup-done')).not.toBeNull());
    expect(text('backup-done')).toContain('/media/usb/new.skbackup');
    expect(query('backup-progress')).toBeNull();
    expect(backupStatus).toHaveBeenCalledTimes(2);
  });

  it('refuses a setup without a public key before asking the backend, then sends it with the reason', async () => {
    backupStatus.mockResolvedValue({ config: null, key_fingerprint: null, recent: [], catch_up_pending: false });
    configureBackups.mockResolvedValue(CONFIGURED);
    render(BackupSection);
    await waitFor(() => expect(query('backup-setup-form')).not.toBeNull());
    typeInto('backup-key', 'not a key');
    typeInto('backup-dest', '/media/usb');
    typeInto('backup-reason', 'USB-minnet');
    submit('backup-setup-form');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(configureBackups).not.toHaveBeenCalled();
    typeInto('backup-key', KEY);
    typeInto('backup-every', '30');
    typeInto('backup-keep', '10');
    (get('backup-to-hq') as HTMLInputElement).click();
    flushSync();
    submit('backup-setup-form');
    await waitFor(() => expect(configureBackups).toHaveBeenCalled());
    expect(configureBackups.mock.calls[0]).toEqual([
      { public_key: KEY, destination: '/media/usb', every_minutes: 30, keep: 10, to_hq: true },
      'USB-minnet',
    ]);
  });
});

describe('RestoreFlow', () => {
  const FOUND: FoundBackup[] = [{ file: '/media/usb/KASSA-01-20261128T170000Z.skbackup', manifest: MANIFEST }];

  it('finds the backups in a folder, restores the chosen one with the key and a reason, then offers a restart', async () => {
    findBackups.mockResolvedValue(FOUND);
    const outcome: RestoreOutcome = {
      restored: { manifest: MANIFEST, moved_aside: '/data/storekeep.sqlite3.replaced-20261128T190000Z' },
      caught_up: 37,
      catch_up_problem: null,
      entries: 849,
      verified: true,
    };
    restoreBackup.mockResolvedValue(outcome);
    restartApp.mockResolvedValue(null);
    render(RestoreFlow);
    typeInto('restore-folder', '/media/usb');
    submit('restore-find-form');
    await waitFor(() => expect(query('restore-form')).not.toBeNull());
    expect(text('restore-form')).toContain('812 registreringar');
    // Without a key file nothing is asked of the backend.
    submit('restore-form');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(restoreBackup).not.toHaveBeenCalled();
    typeInto('restore-key', '/media/usb/backup-key.txt');
    typeInto('restore-reason', 'Disken gick sönder');
    submit('restore-form');
    await waitFor(() => expect(query('restore-outcome')).not.toBeNull());
    expect(restoreBackup.mock.calls[0]).toEqual([FOUND[0].file, '/media/usb/backup-key.txt', 'Disken gick sönder']);
    expect(text('restore-caught-up')).toContain('37');
    expect(text('restore-outcome')).toContain('replaced-20261128T190000Z');
    get('restore-restart').click();
    await waitFor(() => expect(restartApp).toHaveBeenCalled());
  });

  it('says when HQ could not be reached after the restore: sell nothing until the catch-up', async () => {
    findBackups.mockResolvedValue(FOUND);
    restoreBackup.mockResolvedValue({
      restored: { manifest: MANIFEST, moved_aside: null },
      caught_up: null,
      catch_up_problem: { code: 'device_unavailable', message: 'HQ cannot be reached', message_sv: 'HK kan inte nås' },
      entries: 812,
      verified: true,
    });
    render(RestoreFlow);
    typeInto('restore-folder', '/media/usb');
    submit('restore-find-form');
    await waitFor(() => expect(query('restore-form')).not.toBeNull());
    typeInto('restore-key', '/k.txt');
    typeInto('restore-reason', 'x');
    submit('restore-form');
    await waitFor(() => expect(query('restore-hq-failed')).not.toBeNull());
    expect(text('restore-hq-failed')).toContain('catch-up');
    expect(text('restore-outcome')).toContain('HK kan inte nås');
  });

  it('shows the backend refusal (a wrong key) and keeps the form', async () => {
    findBackups.mockResolvedValue(FOUND);
    restoreBackup.mockRejectedValue({ code: 'backup', message: 'This backup was sealed to another key', message_sv: 'Säkerhetskopian är låst med en annan nyckel' });
    render(RestoreFlow);
    typeInto('restore-folder', '/media/usb');
    submit('restore-find-form');
    await waitFor(() => expect(query('restore-form')).not.toBeNull());
    typeInto('restore-key', '/k.txt');
    typeInto('restore-reason', 'x');
    submit('restore-form');
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error')).toContain('annan nyckel');
    expect(query('restore-form')).not.toBeNull();
  });
});
