//! The electronic receipt (elektroniskt kassakvitto, field 13): the same receipt as HTML and as
//! a one-page PDF, to hand over or e-mail. Marks (KOPIA, ÖVNINGSKVITTO, EJ KVITTO, RETUR) are
//! set at 2.4 times the size of the amounts.
//!
//! The PDF is written by hand (no dependency): one page, the standard Courier fonts with
//! WinAnsiEncoding, which holds å ä ö Å Ä Ö é. A test reads it back with `pdftotext`.

// Page layout is in points, not money.
#![allow(clippy::float_arithmetic)]

use crate::receipt::Receipt;

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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

/// A character in WinAnsiEncoding (Windows-1252); anything it lacks becomes `?`.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '–' => 0x96,
        '—' => 0x97,
        '€' => 0x80,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '\u{202f}' | '\u{2009}' => b' ',
        '−' => b'-',
        _ => b'?',
    }
}

fn pdf_string(s: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in s.chars() {
        let b = win_ansi(c);
        if matches!(b, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
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

    let mut content: Vec<u8> = Vec::new();
    let mut y = height - MARGIN;
    for line in &lines {
        let mark = marks.contains(&line.trim());
        let (font, size, x, text) = if mark {
            let t = line.trim();
            let w = t.chars().count() as f32 * 0.6 * MARK_PT;
            ("F2", MARK_PT, ((width - w) / 2.0).max(4.0), t)
        } else {
            ("F1", TEXT_PT, MARGIN, *line)
        };
        y -= if mark { MARK_PT + 6.0 } else { LEADING };
        content.extend(format!("BT /{font} {size} Tf {x:.1} {y:.1} Td ").as_bytes());
        content.extend(pdf_string(text));
        content.extend(b" Tj ET\n");
    }

    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.0} {height:.0}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>".to_vec(),
        [format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(), content, b"\nendstream".to_vec()]
            .concat(),
    ];
    let mut out = b"%PDF-1.4\n%\xe5\xe4\xf6\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}
