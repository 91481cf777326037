//! A tiny PDF writer: one page, the standard Type 1 fonts with WinAnsiEncoding (which holds
//! å ä ö Å Ä Ö é), text and rectangles. Enough for receipts and signs without a dependency;
//! tests read the output back with `pdftotext`.

// Page layout is in points, not money.
#![allow(clippy::float_arithmetic)]

/// The four fonts every PDF reader has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Font {
    Courier,
    CourierBold,
    Helvetica,
    HelveticaBold,
}

impl Font {
    const ALL: [Font; 4] = [Font::Courier, Font::CourierBold, Font::Helvetica, Font::HelveticaBold];

    fn resource(self) -> &'static str {
        match self {
            Font::Courier => "F1",
            Font::CourierBold => "F2",
            Font::Helvetica => "F3",
            Font::HelveticaBold => "F4",
        }
    }

    fn base(self) -> &'static str {
        match self {
            Font::Courier => "Courier",
            Font::CourierBold => "Courier-Bold",
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
        }
    }
}

/// A character in WinAnsiEncoding (Windows-1252); anything it lacks becomes `?`.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '–' => 0x96,
        '—' => 0x97,
        '€' => 0x80,
        '·' => 0xB7,
        '•' => 0x95,
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

/// One page being drawn; (0, 0) is the bottom left corner, units are points.
#[derive(Debug, Clone)]
pub struct Page {
    width: f32,
    height: f32,
    content: Vec<u8>,
}

/// A4 in points.
pub const A4: (f32, f32) = (595.0, 842.0);

impl Page {
    pub fn new(width: f32, height: f32) -> Page {
        Page { width, height, content: Vec::new() }
    }

    pub fn width(&self) -> f32 {
        self.width
    }

    pub fn height(&self) -> f32 {
        self.height
    }

    pub fn text(&mut self, font: Font, size: f32, x: f32, y: f32, text: &str) {
        self.content.extend(format!("BT /{} {size} Tf {x:.1} {y:.1} Td ", font.resource()).as_bytes());
        self.content.extend(pdf_string(text));
        self.content.extend(b" Tj ET\n");
    }

    /// A rectangle's outline, `line` points thick.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, line: f32) {
        self.content.extend(format!("{line:.1} w {x:.1} {y:.1} {w:.1} {h:.1} re S\n").as_bytes());
    }

    /// The finished one-page document.
    pub fn finish(self) -> Vec<u8> {
        let fonts: String =
            Font::ALL.iter().enumerate().map(|(i, f)| format!("/{} {} 0 R ", f.resource(), i + 4)).collect();
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.0} {:.0}] /Resources << /Font << {fonts}>> >> /Contents {} 0 R >>",
                self.width,
                self.height,
                Font::ALL.len() + 4
            )
            .into_bytes(),
        ];
        for f in Font::ALL {
            objects.push(
                format!(
                    "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding >>",
                    f.base()
                )
                .into_bytes(),
            );
        }
        objects.push(
            [
                format!("<< /Length {} >>\nstream\n", self.content.len()).into_bytes(),
                self.content,
                b"\nendstream".to_vec(),
            ]
            .concat(),
        );
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
}

/// Splits `text` into lines of at most `width` characters at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}
