//! ESC/POS, the command language of receipt printers (Epson's, and nearly every other
//! thermal printer's): a receipt as the bytes a printer takes, with Swedish characters in
//! code page PC865 (Nordic), which holds å ä ö Å Ä Ö and é.
//!
//! Only the handful of commands a receipt needs: initialise, code page, alignment, bold,
//! double size, feed, cut, and the drawer kick. [`text_of`] reads the printable text back out
//! of a byte stream, so a test (or the printer simulator) can check what would be on paper.

use crate::receipt::Receipt;

const ESC: u8 = 0x1b;
const GS: u8 = 0x1d;

/// `ESC t 5`: PC865 Nordic on Epson TM printers.
const CODE_PAGE_PC865: u8 = 5;

/// Characters above ASCII that PC865 has, and their byte.
const PC865: [(char, u8); 30] = [
    ('Ç', 0x80),
    ('ü', 0x81),
    ('é', 0x82),
    ('â', 0x83),
    ('ä', 0x84),
    ('à', 0x85),
    ('å', 0x86),
    ('ç', 0x87),
    ('ê', 0x88),
    ('ë', 0x89),
    ('è', 0x8a),
    ('ï', 0x8b),
    ('î', 0x8c),
    ('ì', 0x8d),
    ('Ä', 0x8e),
    ('Å', 0x8f),
    ('É', 0x90),
    ('æ', 0x91),
    ('Æ', 0x92),
    ('ô', 0x93),
    ('ö', 0x94),
    ('ò', 0x95),
    ('û', 0x96),
    ('ù', 0x97),
    ('ÿ', 0x98),
    ('Ö', 0x99),
    ('Ü', 0x9a),
    ('ø', 0x9b),
    ('Ø', 0x9d),
    ('á', 0xa0),
];

/// A character as PC865 has it; anything it lacks prints as `?` (and non-breaking or thin
/// spaces as a space), so a receipt never carries a control byte by accident.
pub fn encode_char(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}' | '\u{202f}' | '\u{2009}' => b' ',
        '–' | '—' | '−' => b'-',
        _ => PC865.iter().find(|(ch, _)| *ch == c).map_or(b'?', |(_, b)| *b),
    }
}

fn decode_byte(b: u8) -> char {
    match b {
        0x20..=0x7e => b as char,
        _ => PC865.iter().find(|(_, byte)| *byte == b).map_or('?', |(c, _)| *c),
    }
}

/// A document for the printer, built command by command.
#[derive(Debug, Clone)]
pub struct Document {
    bytes: Vec<u8>,
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Document {
    /// `ESC @` (reset) and the Nordic code page.
    pub fn new() -> Document {
        Document { bytes: vec![ESC, b'@', ESC, b't', CODE_PAGE_PC865] }
    }

    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes.extend(text.chars().filter(|c| *c != '\n' && *c != '\r').map(encode_char));
        self
    }

    /// Text and a line feed.
    pub fn line(&mut self, text: &str) -> &mut Self {
        self.text(text);
        self.bytes.push(b'\n');
        self
    }

    pub fn align(&mut self, align: Align) -> &mut Self {
        let n = match align {
            Align::Left => 0,
            Align::Center => 1,
            Align::Right => 2,
        };
        self.bytes.extend([ESC, b'a', n]);
        self
    }

    pub fn bold(&mut self, on: bool) -> &mut Self {
        self.bytes.extend([ESC, b'E', u8::from(on)]);
        self
    }

    /// `GS ! n`: width and height multiplied by `times` (1–8).
    pub fn size(&mut self, times: u8) -> &mut Self {
        let t = times.clamp(1, 8) - 1;
        self.bytes.extend([GS, b'!', (t << 4) | t]);
        self
    }

    /// Feeds `lines` and cuts the paper (`GS V 66 0`: feed to the cutter, then a partial cut).
    pub fn cut(&mut self, lines: u8) -> &mut Self {
        self.bytes.extend([ESC, b'd', lines, GS, b'V', 66, 0]);
        self
    }

    /// `ESC p 0 25 250`: a pulse on the drawer connector.
    pub fn kick_drawer(&mut self) -> &mut Self {
        self.bytes.extend([ESC, b'p', 0, 25, 250]);
        self
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

/// The receipt as ESC/POS: the text of [`Receipt::render_text`] (42 columns), then feed and
/// cut. A plain receipt prints its total in double size. A receipt with a mark (KOPIA,
/// ÖVNINGSKVITTO, EJ KVITTO, RETUR) prints every amount in normal size and the marks in double
/// width and height, so a mark is always at least twice the size of the amounts.
pub fn receipt(receipt: &Receipt) -> Vec<u8> {
    let mut doc = Document::new();
    let marks = receipt.marks();
    for line in receipt.render_text().lines() {
        if marks.contains(&line.trim()) {
            doc.align(Align::Center)
                .bold(true)
                .size(2)
                .line(line.trim())
                .size(1)
                .bold(false)
                .align(Align::Left);
        } else if line.starts_with("TOTALT") && marks.is_empty() {
            doc.bold(true).size(2).line(&compact_total(line)).size(1).bold(false);
        } else if line.starts_with("TOTALT") {
            doc.bold(true).line(line).bold(false);
        } else {
            doc.line(line);
        }
    }
    doc.cut(4);
    doc.into_bytes()
}

/// A double-width line has 21 columns: "TOTALT" and the amount, one space apart at least.
fn compact_total(line: &str) -> String {
    let amount = line.trim_start_matches("TOTALT").trim();
    let pad = 21usize.saturating_sub(6 + amount.chars().count()).max(1);
    format!("TOTALT{}{amount}", " ".repeat(pad))
}

/// The printable text in an ESC/POS byte stream: commands dropped, line feeds kept.
pub fn text_of(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Every command this module writes, with its argument count.
        let skip = match (b, bytes.get(i + 1)) {
            (ESC, Some(b'@')) => 2,
            (ESC, Some(b't' | b'a' | b'E' | b'd')) => 3,
            (ESC, Some(b'p')) => 5,
            (GS, Some(b'!')) => 3,
            (GS, Some(b'V')) => 4,
            (b'\n', _) => {
                out.push('\n');
                1
            }
            (0x20..=0xff, _) => {
                out.push(decode_byte(b));
                1
            }
            _ => 1,
        };
        i += skip;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_are_in_the_nordic_code_page() {
        let mut doc = Document::new();
        doc.line("Smörgåstårta ÅÄÖ é – 12 kr");
        let bytes = doc.into_bytes();
        assert_eq!(&bytes[..5], &[ESC, b'@', ESC, b't', 5], "reset, then PC865");
        assert!(bytes.contains(&0x94) && bytes.contains(&0x86) && bytes.contains(&0x8f), "ö å Å");
        assert!(bytes[5..].iter().all(|&b| b >= 0x20 || b == b'\n'), "no stray control bytes");
        assert_eq!(text_of(&bytes), "Smörgåstårta ÅÄÖ é - 12 kr\n");
        assert_eq!(encode_char('€'), b'?', "what the page lacks prints as ?");
    }

    #[test]
    fn commands_are_read_past_and_the_total_is_double_size() {
        let mut doc = Document::new();
        doc.align(Align::Center).bold(true).size(2).line("KOPIA").size(1).bold(false).kick_drawer().cut(3);
        let bytes = doc.into_bytes();
        assert!(bytes.windows(3).any(|w| w == [GS, b'!', 0x11]), "double width and height");
        assert!(bytes.ends_with(&[ESC, b'd', 3, GS, b'V', 66, 0]));
        assert_eq!(text_of(&bytes), "KOPIA\n");
        let total = compact_total("TOTALT                            54,67 kr");
        assert_eq!(total, "TOTALT       54,67 kr");
        assert_eq!(total.chars().count(), 21, "fills a double-width line of a 42-column printer");
    }
}
