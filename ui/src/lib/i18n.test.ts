import { afterEach, describe, expect, it } from 'vitest';
import { LANG_STORAGE_KEY, loadLang, messages, saveLang, translate } from './i18n';

describe('i18n', () => {
  afterEach(() => localStorage.clear());

  it('has every key in both languages, none empty', () => {
    const svKeys = Object.keys(messages.sv).sort();
    expect(Object.keys(messages.en).sort()).toEqual(svKeys);
    for (const lang of ['sv', 'en'] as const) {
      for (const [key, text] of Object.entries(messages[lang])) {
        expect(text.trim(), `${lang}.${key}`).not.toBe('');
      }
    }
  });

  it('fills placeholders', () => {
    expect(translate('sv', 'vatLine', { rate: '12' })).toBe('Moms 12 %:');
    expect(translate('en', 'vatLine', { rate: '25' })).toBe('VAT 25 %:');
  });

  it('defaults to Swedish and remembers the choice', () => {
    expect(loadLang()).toBe('sv');
    saveLang('en');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('en');
    expect(loadLang()).toBe('en');
    localStorage.setItem(LANG_STORAGE_KEY, 'xx');
    expect(loadLang()).toBe('sv');
  });
});
