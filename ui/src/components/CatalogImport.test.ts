import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import type { Api } from '../lib/api';
import type { ImportReport } from '../lib/bindings';
import { locale } from '../lib/locale.svelte';
import { Till } from '../lib/till.svelte';
import CatalogImport from './CatalogImport.svelte';

// ---------------------------------------------------------------- fake api

type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (reason: unknown) => void };

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const importCatalog = vi.fn<Api['importCatalog']>();
const storeStatus = vi.fn<Api['storeStatus']>();

/** Only what the view uses; the rest of the Api is never called. */
const fakeApi = { importCatalog, storeStatus } as unknown as Api;

const APPLIED: ImportReport = {
  applied: true,
  rows: 3,
  added: 1,
  changed: 1,
  unchanged: 1,
  errors: [],
  error_count: 0,
  journal_seq: 17,
};

const REJECTED: ImportReport = {
  applied: false,
  rows: 0,
  added: 0,
  changed: 0,
  unchanged: 0,
  errors: [
    { row: 0, column: null, message: 'The file has no items', message_sv: 'Filen innehåller inga varor' },
    { row: 3, column: 'price', message: '"abc" is not a price', message_sv: '"abc" är inget pris' },
  ],
  error_count: 5,
  journal_seq: null,
};

// ----------------------------------------------------------------- helpers

let view: ReturnType<typeof mount> | null = null;
let container: HTMLElement;

function render(): Till {
  const till = new Till(fakeApi);
  container = document.createElement('div');
  document.body.appendChild(container);
  view = mount(CatalogImport, { target: container, props: { till } });
  flushSync();
  return till;
}

function query(testId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
}

function get(testId: string): HTMLElement {
  const element = query(testId);
  if (!element) throw new Error(`no element with data-testid="${testId}"`);
  return element;
}

function all(testId: string): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)];
}

function squash(value: string | null | undefined): string {
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

function text(testId: string): string {
  return squash(get(testId).textContent);
}

function cells(row: HTMLElement): string[] {
  return [...row.querySelectorAll('td')].map((cell) => squash(cell.textContent));
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

/** What picking a file in the dialog does: the input's files change. */
function pick(file: File): void {
  const input = get('catalog-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
  flushSync();
}

function submit(): void {
  get('catalog-import-submit').click();
  flushSync();
}

beforeEach(() => {
  localStorage.clear();
  locale.set('sv');
  importCatalog.mockReset();
  storeStatus.mockReset();
});

afterEach(() => {
  if (view) unmount(view);
  view = null;
  container?.remove();
});

// ------------------------------------------------------------------- tests

describe('catalog import view', () => {
  it('offers CSV and JSON files and explains the format', () => {
    render();
    const input = get('catalog-file') as HTMLInputElement;
    expect(input.type).toBe('file');
    expect(input.accept).toBe('.csv,.json');
    expect(container.querySelector('label[for="catalog-file"]')?.textContent).toContain('Prisfil');
    expect(text('catalog-empty')).toContain('Ingen fil är importerad ännu');
    const help = text('catalog-help');
    for (const word of ['code', 'plu', 'name', 'price', 'sold_by', 'vat_category', 'label_price', 'books_press', 'JSON', 'decimalkomma']) {
      expect(help).toContain(word);
    }
  });

  it('asks for a file before importing', () => {
    render();
    submit();
    expect(text('error-message')).toBe('Välj en prisfil.');
    expect(importCatalog).not.toHaveBeenCalled();
  });

  it('sends the file name and text, shows progress, then the summary', async () => {
    render();
    const answer = deferred<ImportReport>();
    importCatalog.mockReturnValue(answer.promise);
    const csv = 'code;plu;name;price;sold_by;vat_category\n7310865004703;;Mjölk 1,5 %;14,90;each;food\n';
    pick(new File([csv], 'priser.csv', { type: 'text/csv' }));
    submit();

    await waitFor(() => expect(query('catalog-importing')).not.toBeNull());
    expect(get('catalog-importing').querySelector('progress')?.hasAttribute('value')).toBe(false);
    expect(text('catalog-importing')).toContain('Importerar priser.csv');
    expect((get('catalog-import-submit') as HTMLButtonElement).disabled).toBe(true);
    expect((get('catalog-file') as HTMLInputElement).disabled).toBe(true);
    await waitFor(() => expect(importCatalog).toHaveBeenCalledWith('priser.csv', csv));

    answer.resolve(APPLIED);
    await waitFor(() => expect(query('catalog-import-summary')).not.toBeNull());
    expect(query('catalog-importing')).toBeNull();
    expect(text('catalog-import-summary')).toContain('priser.csv är importerad.');
    expect([text('catalog-rows'), text('catalog-added'), text('catalog-changed'), text('catalog-unchanged')]).toEqual([
      '3',
      '1',
      '1',
      '1',
    ]);
    expect(query('catalog-import-error')).toBeNull();
    expect((get('catalog-import-submit') as HTMLButtonElement).disabled).toBe(false);

    // The same (fixed) file must be picked again for another import.
    submit();
    expect(text('error-message')).toBe('Välj en prisfil.');
    expect(importCatalog).toHaveBeenCalledTimes(1);
  });

  it('says nothing was changed and lists every bad row in the screen language', async () => {
    render();
    importCatalog.mockResolvedValue(REJECTED);
    pick(new File(['[]'], 'priser.json', { type: 'application/json' }));
    submit();

    await waitFor(() => expect(all('catalog-import-error')).toHaveLength(2));
    expect(query('catalog-import-summary')).toBeNull();
    expect(text('catalog-nothing-changed')).toBe(
      'Ingenting har ändrats. priser.json har fel: rätta raderna nedan och importera filen igen.',
    );
    expect(text('catalog-error-count')).toBe('Antal fel: 5');
    expect(all('catalog-import-error').map(cells)).toEqual([
      ['Hela filen', '–', 'Filen innehåller inga varor'],
      ['3', 'price', '"abc" är inget pris'],
    ]);
    expect(text('catalog-more-errors')).toBe('… och 3 fel till');

    locale.set('en');
    flushSync();
    expect(all('catalog-import-error').map(cells)).toEqual([
      ['Whole file', '–', 'The file has no items'],
      ['3', 'price', '"abc" is not a price'],
    ]);
    expect(text('catalog-nothing-changed')).toContain('Nothing was changed.');
    expect(text('catalog-more-errors')).toBe('… and 3 more');
  });

  it('shows no "more" line when every bad row is listed', async () => {
    render();
    importCatalog.mockResolvedValue({ ...REJECTED, error_count: 2 });
    pick(new File(['x'], 'priser.csv'));
    submit();
    await waitFor(() => expect(all('catalog-import-error')).toHaveLength(2));
    expect(query('catalog-more-errors')).toBeNull();
  });

  it('refuses a file that is not UTF-8 without sending it', async () => {
    render();
    // "Mjölk" saved as Windows-1252: ö is the single byte 0xF6.
    pick(new File([new Uint8Array([0x4d, 0x6a, 0xf6, 0x6c, 0x6b])], 'excel.csv'));
    submit();
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(text('error-message')).toContain('Filen är inte UTF-8-text');
    expect(importCatalog).not.toHaveBeenCalled();
    expect(query('catalog-importing')).toBeNull();
  });

  it('shows a backend error', async () => {
    render();
    importCatalog.mockRejectedValue({
      code: 'not_allowed',
      message: 'Only a manager may do that.',
      message_sv: 'Bara en chef får göra det.',
    });
    pick(new File(['x'], 'priser.csv'));
    submit();
    await waitFor(() => expect(query('error')).not.toBeNull());
    expect(get('error').dataset.code).toBe('not_allowed');
    expect(text('error-message')).toBe('Bara en chef får göra det.');
    expect(query('catalog-importing')).toBeNull();
    expect(query('catalog-import-summary')).toBeNull();
  });

  it('locks the till when the session has ended', async () => {
    const till = render();
    storeStatus.mockRejectedValue('offline');
    importCatalog.mockRejectedValue({ code: 'not_logged_in', message: 'Nobody is logged in.', message_sv: 'Ingen är inloggad.' });
    pick(new File(['x'], 'priser.csv'));
    submit();
    await waitFor(() => expect(till.phase).toBe('locked'));
    expect(till.view).toBe('till');
  });
});
