//! The A4 sign "I dag tar vi … / Today we take …" (PDF and HTML), made from what the payment
//! controls say is taken today ([`crate::payments::InForce::acceptance`]).

// Page layout is in points, not money.
#![allow(clippy::float_arithmetic)]

use crate::payments::Acceptance;

/// The A4 sign "I dag tar vi … / Today we take …" as a PDF.
pub fn acceptance_pdf(store_name: &str, acceptance: &Acceptance, updated: &str) -> Vec<u8> {
    use crate::pdf::{A4, Font, Page, wrap};
    let (w, h) = A4;
    let left = 56.0_f32;
    let mut p = Page::new(w, h);
    let mut y = h - 80.0;
    p.text(Font::HelveticaBold, 28.0, left, y, store_name);
    y -= 60.0;
    if acceptance.taken.is_empty() {
        p.text(Font::HelveticaBold, 34.0, left, y, "I dag kan vi inte ta betalt");
        y -= 30.0;
        p.text(Font::Helvetica, 22.0, left, y, "Today we cannot take payment");
    } else {
        p.text(Font::HelveticaBold, 34.0, left, y, "I dag tar vi");
        y -= 28.0;
        p.text(Font::Helvetica, 20.0, left, y, "Today we take");
        y -= 22.0;
        for c in &acceptance.taken {
            y -= 44.0;
            p.text(Font::HelveticaBold, 32.0, left + 10.0, y, &format!("• {}", capitalise(&c.sv)));
            if c.en.to_lowercase() != c.sv.to_lowercase() {
                y -= 24.0;
                p.text(Font::Helvetica, 18.0, left + 36.0, y, &capitalise(&c.en));
            }
        }
    }
    if !acceptance.not_taken.is_empty() && !acceptance.taken.is_empty() {
        y -= 60.0;
        let sv = acceptance.not_taken.iter().map(|c| c.sv.clone()).collect::<Vec<_>>().join(", ");
        let en = acceptance.not_taken.iter().map(|c| c.en.clone()).collect::<Vec<_>>().join(", ");
        let sv_lines = wrap(&format!("Inte i dag: {sv}"), 34);
        let en_lines = wrap(&format!("Not today: {en}"), 44);
        let box_h = 34.0 * sv_lines.len() as f32 + 24.0 * en_lines.len() as f32 + 24.0;
        p.rect(left - 8.0, y - box_h + 26.0, w - 2.0 * left + 16.0, box_h, 3.0);
        for l in &sv_lines {
            p.text(Font::HelveticaBold, 28.0, left, y, l);
            y -= 34.0;
        }
        for l in &en_lines {
            p.text(Font::Helvetica, 20.0, left, y, l);
            y -= 24.0;
        }
    }
    p.text(Font::Helvetica, 9.0, left, 40.0, &format!("Uppdaterad / Updated {updated}"));
    p.finish()
}

/// The same sign as a self-contained HTML page (no scripts, no outside resources).
pub fn acceptance_html(store_name: &str, acceptance: &Acceptance, updated: &str) -> String {
    let e = crate::receipt_doc::escape_html;
    let items: String = acceptance
        .taken
        .iter()
        .map(|c| {
            format!("<li>{}<div class=\"en\">{}</div></li>\n", e(&capitalise(&c.sv)), e(&capitalise(&c.en)))
        })
        .collect();
    let not = if acceptance.not_taken.is_empty() || acceptance.taken.is_empty() {
        String::new()
    } else {
        let sv = acceptance.not_taken.iter().map(|c| c.sv.clone()).collect::<Vec<_>>().join(", ");
        let en = acceptance.not_taken.iter().map(|c| c.en.clone()).collect::<Vec<_>>().join(", ");
        format!(
            "<section class=\"not\"><p>Inte i dag: {}</p><p class=\"en\">Not today: {}</p></section>\n",
            e(&sv),
            e(&en)
        )
    };
    let heading = if acceptance.taken.is_empty() {
        "<h2>I dag kan vi inte ta betalt <span class=\"en\">Today we cannot take payment</span></h2>"
            .to_string()
    } else {
        "<h2>I dag tar vi <span class=\"en\">Today we take</span></h2>".to_string()
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Betalning – {name}</title>\n<style>\n\
         @page {{ size: A4; margin: 18mm; }}\n\
         body {{ font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #000; max-width: 174mm; margin: 0 auto; }}\n\
         h1 {{ font-size: 28pt; margin: 0 0 24pt; }}\n\
         h2 {{ font-size: 34pt; margin: 0 0 12pt; }}\n\
         h2 .en {{ display: block; font-size: 20pt; font-weight: normal; }}\n\
         .en {{ font-style: italic; font-weight: normal; font-size: 18pt; }}\n\
         ul {{ font-size: 32pt; font-weight: bold; padding-left: 1em; }}\n\
         li {{ margin: 10pt 0; }}\n\
         .not {{ border: 3pt solid #000; padding: 8pt 12pt; margin-top: 24pt; font-size: 28pt; font-weight: bold; }}\n\
         .not p {{ margin: 4pt 0; }}\n\
         footer {{ margin-top: 18pt; font-size: 10pt; }}\n\
         </style>\n</head>\n<body>\n<h1>{name}</h1>\n{heading}\n<ul>\n{items}</ul>\n{not}<footer>Uppdaterad / Updated {updated}</footer>\n</body>\n</html>\n",
        name = e(store_name),
    )
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
