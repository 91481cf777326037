//! The electronic receipt (elektroniskt kassakvitto, field 13): the same receipt as HTML and as
//! a one-page PDF, to hand over or e-mail. Marks (KOPIA, ÖVNINGSKVITTO, EJ KVITTO, RETUR) are
//! set at 2.4 times the size of the amounts.
//!
//! The PDF is written by [`crate::pdf`]: one page in Courier. A test reads it back with
//! `pdftotext`.

// Page layout is in points, not money.
#![allow(clippy::float_arithmetic)]

use crate::pdf::{Font, Page};
use crate::receipt::Receipt;

/// Text for HTML, in an element or a quoted attribute.
pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The receipt as a self-contained HTML page (no scripts, no outside resources).
pub fn html(receipt: &Receipt) -> String {
    let mut r = receipt.clone();
    r.electronic = true;
    let marks = r.marks();
    let mut body = String::new();
    for line in r.render_text().lines() {
        if marks.contains(&line.trim()) {
            body += &format!("<div class=\"mark\">{}</div>\n", escape_html(line.trim()));
        } else {
            body += &format!("<div class=\"line\">{}</div>\n", escape_html(line));
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Kvitto {no} – {company}</title>\n<style>\n\
         body {{ font-family: 'DejaVu Sans Mono', monospace; margin: 2em; }}\n\
         .line {{ font-size: 10pt; white-space: pre; }}\n\
         .mark {{ font-size: 24pt; font-weight: bold; text-align: center; width: 42ch; }}\n\
         </style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        no = r.receipt_no,
        company = escape_html(&r.company_name),
    )
}

const TEXT_PT: f32 = 9.0;
const MARK_PT: f32 = 22.0;
const LEADING: f32 = 11.0;
const MARGIN: f32 = 24.0;

/// The receipt as a one-page PDF.
pub fn pdf(receipt: &Receipt) -> Vec<u8> {
    let mut r = receipt.clone();
    r.electronic = true;
    let marks = r.marks();
    let text = r.render_text();
    let lines: Vec<&str> = text.lines().collect();
    let mark_lines = lines.iter().filter(|l| marks.contains(&l.trim())).count() as f32;
    // Courier is 0.6 em wide: 42 columns.
    let width = 42.0 * 0.6 * TEXT_PT + 2.0 * MARGIN;
    let height = (lines.len() as f32 - mark_lines) * LEADING + mark_lines * (MARK_PT + 6.0) + 2.0 * MARGIN;

    let mut page = Page::new(width, height);
    let mut y = height - MARGIN;
    for line in &lines {
        let mark = marks.contains(&line.trim());
        let (font, size, x, text) = if mark {
            let t = line.trim();
            let w = t.chars().count() as f32 * 0.6 * MARK_PT;
            (Font::CourierBold, MARK_PT, ((width - w) / 2.0).max(4.0), t)
        } else {
            (Font::Courier, TEXT_PT, MARGIN, *line)
        };
        y -= if mark { MARK_PT + 6.0 } else { LEADING };
        page.text(font, size, x, y, text);
    }
    page.finish()
}
