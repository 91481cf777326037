// Reactive current language. Components call `t(key)` in their markup; the
// text updates when the language changes.

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
