// Reactive current language. Components call `t(key)` in their markup; the
// text updates when the language changes.

import type { Role } from './bindings';
import { loadLang, saveLang, translate, type Lang, type MessageKey, type Vars } from './i18n';

class Locale {
  lang = $state<Lang>(loadLang());

  set(lang: Lang): void {
    this.lang = lang;
    saveLang(lang);
  }
}

export const locale = new Locale();

export function t(key: MessageKey, vars?: Vars): string {
  return translate(locale.lang, key, vars);
}

const ROLE_KEYS: Record<Role, MessageKey> = { manager: 'roleManager', cashier: 'roleCashier', kiosk: 'roleKiosk' };

/** A staff role in the current language. */
export function roleName(role: Role): string {
  return t(ROLE_KEYS[role]);
}
