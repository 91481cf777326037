// All UI text, Swedish and English, in one dictionary.
// Swedish is the default; the cashier's choice is kept in localStorage.
// Receipt labels are always Swedish (see RECEIPT_LABELS): a Swedish till
// receipt is printed in Swedish whatever language the screen uses.

export type Lang = 'sv' | 'en';
export const LANGS: readonly Lang[] = ['sv', 'en'];
export const DEFAULT_LANG: Lang = 'sv';
export const LANG_STORAGE_KEY = 'storekeep.lang';

const sv = {
  appName: 'Storekeep',
  register: 'Kassa',
  demoBadge: 'DEMO',
  demoBadgeTitle: 'Demoläge – övningsbutik med påhittade varor',
  language: 'Språk',
  langSv: 'Svenska',
  langEn: 'Engelska',
  loading: 'Startar kassan…',
  notSetupTitle: 'Ingen butik är upplagd.',
  notSetupStart: 'Starta med',
  notSetupOr: 'eller kör',
  statusFailedTitle: 'Kassan kunde inte startas',
  retry: 'Försök igen',
  errorTitle: 'Fel',
  errorGeneric: 'Något gick fel.',
  scanLabel: 'Streckkod',
  scanPlaceholder: 'Skanna eller skriv streckkod',
  scanSubmit: 'Lägg till',
  scanHint: 'Streckkodsläsaren fungerar utan att du klickar i fältet.',
  scanReceiving: 'Tar emot streckkod',
  processing: 'Bearbetar…',
  cartTitle: 'Varor',
  cartEmpty: 'Skanna en vara',
  cartEmptyHint: 'Använd streckkodsläsaren eller skriv koden ovan och tryck Enter.',
  itemCount: '{count} rader',
  itemCountOne: '1 rad',
  labelPrice: 'Pris från etikett',
  total: 'Totalt',
  vatLine: 'Moms {rate} %:',
  cashRounding: 'Öresavrundning',
  cashTotal: 'Att betala kontant',
  payCash: 'Betala kontant',
  paymentTitle: 'Kontant betalning',
  amountDue: 'Att betala',
  tendered: 'Mottaget belopp',
  tenderedHint: 't.ex. 100 eller 100,50',
  quickAmounts: 'Snabbval',
  exactAmount: 'Jämnt',
  complete: 'Slutför',
  cancel: 'Avbryt',
  paying: 'Registrerar betalningen…',
  saleComplete: 'Försäljningen är klar',
  changeDue: 'Växel att lämna',
  receiptTitle: 'Kvitto',
  newSale: 'Ny försäljning',
  demoTitle: 'Demokoder',
  demoHelp: 'Demohjälp',
  demoIntro: 'Det här är en demobutik. Skriv en kod och tryck Enter, eller klicka på koden, för att skanna varan.',
  demoScanAria: 'Skanna {name}, kod {code}',
  perKg: '/kg',
  shortcuts: 'Kortkommandon',
  shortcutPay: 'betala kontant',
  shortcutCancel: 'avbryt',
} as const;

export type MessageKey = keyof typeof sv;
type Dictionary = Record<MessageKey, string>;

const en: Dictionary = {
  appName: 'Storekeep',
  register: 'Register',
  demoBadge: 'DEMO',
  demoBadgeTitle: 'Demo mode – practice store with made-up products',
  language: 'Language',
  langSv: 'Swedish',
  langEn: 'English',
  loading: 'Starting the till…',
  notSetupTitle: 'No store is set up.',
  notSetupStart: 'Start with',
  notSetupOr: 'or run',
  statusFailedTitle: 'The till could not start',
  retry: 'Try again',
  errorTitle: 'Error',
  errorGeneric: 'Something went wrong.',
  scanLabel: 'Barcode',
  scanPlaceholder: 'Scan or type a barcode',
  scanSubmit: 'Add',
  scanHint: 'The barcode scanner works without clicking in the field.',
  scanReceiving: 'Receiving barcode',
  processing: 'Processing…',
  cartTitle: 'Items',
  cartEmpty: 'Scan an item',
  cartEmptyHint: 'Use the barcode scanner, or type the code above and press Enter.',
  itemCount: '{count} lines',
  itemCountOne: '1 line',
  labelPrice: 'Price from label',
  total: 'Total',
  vatLine: 'VAT {rate} %:',
  cashRounding: 'Cash rounding',
  cashTotal: 'Cash to pay',
  payCash: 'Pay cash',
  paymentTitle: 'Cash payment',
  amountDue: 'Amount due',
  tendered: 'Amount tendered',
  tenderedHint: 'e.g. 100 or 100,50',
  quickAmounts: 'Quick amounts',
  exactAmount: 'Exact',
  complete: 'Complete',
  cancel: 'Cancel',
  paying: 'Recording the payment…',
  saleComplete: 'Sale complete',
  changeDue: 'Change to give',
  receiptTitle: 'Receipt',
  newSale: 'New sale',
  demoTitle: 'Demo barcodes',
  demoHelp: 'Demo help',
  demoIntro: 'This is a demo store. Type a code and press Enter, or click the code, to scan the item.',
  demoScanAria: 'Scan {name}, code {code}',
  perKg: '/kg',
  shortcuts: 'Shortcuts',
  shortcutPay: 'pay cash',
  shortcutCancel: 'cancel',
};

export const messages: Record<Lang, Dictionary> = { sv, en };

/** Swedish receipt labels, used whatever the screen language. */
export const RECEIPT_LABELS = {
  orgNr: 'Org.nr',
  receiptNo: 'Kvitto nr',
  register: 'Kassa',
  date: 'Datum',
  total: 'TOTALT',
  rounding: 'Öresavrundning',
  change: 'Växel',
  vatPercent: 'Moms %',
  vat: 'Moms',
  net: 'Netto',
  gross: 'Brutto',
  vatTotal: 'Summa moms',
  noControlUnit: 'Ingen kontrollenhet ansluten',
  controlUnit: 'Kontrollenhet',
  thanks: 'Tack för ditt köp!',
} as const;

export type Vars = Record<string, string | number>;

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const template = messages[lang][key] ?? messages[DEFAULT_LANG][key] ?? key;
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadLang(): Lang {
  try {
    const saved = storage()?.getItem(LANG_STORAGE_KEY);
    return isLang(saved) ? saved : DEFAULT_LANG;
  } catch {
    return DEFAULT_LANG;
  }
}

export function saveLang(lang: Lang): void {
  try {
    storage()?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Storage unavailable (private mode, quota): the choice lasts this session.
  }
}
