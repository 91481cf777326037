import { describe, expect, it } from 'vitest';
import { ACTION_LABELS, APPROVAL_ACTIONS, buildPolicy, formatPercent, isApprovable, parsePercent } from './approval';
import { messages } from './i18n';

describe('approval setting helpers', () => {
  it('lists exactly the six switchable steps, each with a label in both languages', () => {
    expect([...APPROVAL_ACTIONS]).toEqual([
      'void_line',
      'discount_over_limit',
      'return',
      'open_drawer',
      'sell_outside_hours',
      'abandon_sale',
    ]);
    for (const action of APPROVAL_ACTIONS) {
      expect(messages.sv[ACTION_LABELS[action]]).toBeTruthy();
      expect(messages.en[ACTION_LABELS[action]]).toBeTruthy();
    }
    expect(isApprovable('return')).toBe(true);
    expect(isApprovable('manage_staff')).toBe(false);
    // Clearing an unknown card payment always asks a cashier for a manager: no setting.
    expect(isApprovable('resolve_payment')).toBe(false);
  });

  it('reads a percent with a decimal comma or point, from 0 to 100', () => {
    expect(parsePercent('10')).toBe('10');
    expect(parsePercent(' 12,5 ')).toBe('12.5');
    expect(parsePercent('12.50')).toBe('12.5');
    expect(parsePercent('0')).toBe('0');
    expect(parsePercent('100')).toBe('100');
    expect(parsePercent('007')).toBe('7');
    for (const bad of ['', ' ', '-1', '100,01', '101', '1e2', '12,345', 'tio', '12 %', '1,2,3', ',5']) {
      expect(parsePercent(bad), bad).toBeNull();
    }
  });

  it("shows the backend's percent the way a person writes it", () => {
    expect(formatPercent('12.50', 'sv')).toBe('12,5');
    expect(formatPercent('12.50', 'en')).toBe('12.5');
    expect(formatPercent('10', 'sv')).toBe('10');
    expect(formatPercent('10.00', 'sv')).toBe('10');
    expect(formatPercent('100', 'en')).toBe('100');
  });

  it('sends the ticked steps in screen order and nothing that cannot be switched', () => {
    expect(buildPolicy(['abandon_sale', 'sell', 'void_line', 'void_line'], '15')).toEqual({
      needs_approval: ['void_line', 'abandon_sale'],
      discount_limit_percent: '15',
    });
    expect(buildPolicy([], '0')).toEqual({ needs_approval: [], discount_limit_percent: '0' });
  });
});
