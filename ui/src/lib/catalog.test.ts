import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

import { invoke } from '@tauri-apps/api/core';
import { api } from './api';
import type { ImportReport } from './bindings';
import { isMisdecoded, rowMessage, unlistedErrors } from './catalog';

const invokeMock = vi.mocked(invoke);

const report = (errors: number, errorCount: number): ImportReport => ({
  applied: false,
  rows: 500,
  added: 0,
  changed: 0,
  unchanged: 0,
  errors: Array.from({ length: errors }, (_, i) => ({
    row: i + 2,
    column: 'price',
    message: 'The price is empty',
    message_sv: 'Priset är tomt',
  })),
  error_count: errorCount,
  journal_seq: null,
});

describe('catalog import helpers', () => {
  it('counts the bad rows the backend did not list', () => {
    expect(unlistedErrors(report(200, 250))).toBe(50);
    expect(unlistedErrors(report(3, 3))).toBe(0);
    expect(unlistedErrors(report(0, 0))).toBe(0);
  });

  it('picks the row message in the screen language', () => {
    const error = { row: 4, column: null, message: 'The name is empty', message_sv: 'Namnet är tomt' };
    expect(rowMessage(error, 'sv')).toBe('Namnet är tomt');
    expect(rowMessage(error, 'en')).toBe('The name is empty');
    expect(rowMessage({ ...error, message_sv: '' }, 'sv')).toBe('The name is empty');
  });

  it('notices text that was not UTF-8 (decoded with replacement characters)', async () => {
    const latin1 = new Blob([new Uint8Array([0x4d, 0x6a, 0xf6, 0x6c, 0x6b])]); // "Mjölk" in Windows-1252
    expect(isMisdecoded(await latin1.text())).toBe(true);
    expect(isMisdecoded(await new Blob(['Mjölk;14,90']).text())).toBe(false);
  });
});

describe('catalog and settings commands', () => {
  beforeEach(() => invokeMock.mockReset());

  it('calls the Tauri commands with camelCase argument names', async () => {
    invokeMock.mockResolvedValue({});
    const policy = { needs_approval: ['void_line' as const], discount_limit_percent: '10' };
    await api.importCatalog('priser.csv', 'code;name\n');
    await api.approvalPolicy();
    await api.setApprovalPolicy(policy, 'Ny rutin');
    expect(invokeMock.mock.calls).toEqual([
      ['import_catalog', { fileName: 'priser.csv', contents: 'code;name\n' }],
      ['approval_policy', undefined],
      ['set_approval_policy', { policy, reason: 'Ny rutin' }],
    ]);
  });
});
