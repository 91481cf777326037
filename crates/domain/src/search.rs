//! Finding an item without a barcode: by PLU number or by name as the cashier types.
//!
//! The index is the catalog held in memory (100 000 items is a few megabytes) and scanned
//! linearly: simpler than a full-text index and fast enough (see `benches/`). Ranking, best
//! first: an exact PLU or code; a PLU that starts with the digits; names where every typed
//! word is found, those that start with it before those where a word starts with it before
//! those that merely contain it; then shorter names, then alphabetical.

use crate::cart::CatalogItem;

#[derive(Debug, Clone)]
struct Entry {
    item: CatalogItem,
    /// Lower-case name with a leading space, so " word" finds a word start.
    name: String,
}

#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
}

fn fold(s: &str) -> String {
    s.to_lowercase()
}

impl SearchIndex {
    pub fn new(items: Vec<CatalogItem>) -> SearchIndex {
        let entries = items
            .into_iter()
            .map(|item| {
                let name = format!(" {}", fold(&item.name));
                Entry { item, name }
            })
            .collect();
        SearchIndex { entries }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` matches for what was typed; nothing for an empty query.
    pub fn search(&self, query: &str, limit: usize) -> Vec<CatalogItem> {
        let query = fold(query.trim());
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let terms: Vec<&str> = query.split_whitespace().collect();
        let digits = query.bytes().all(|b| b.is_ascii_digit());
        let mut hits: Vec<(u32, &Entry)> = self
            .entries
            .iter()
            .filter_map(|e| {
                if digits {
                    let plu = e.item.plu.as_deref();
                    let code = e.item.code.as_deref();
                    if plu == Some(query.as_str()) || code == Some(query.as_str()) {
                        return Some((0, e));
                    }
                    if plu.is_some_and(|p| p.starts_with(query.as_str())) {
                        return Some((1, e));
                    }
                }
                name_score(&e.name, &terms).map(|s| (10 + s, e))
            })
            .collect();
        let key = |(score, e): &(u32, &Entry)| (*score, e.name.len());
        if hits.len() > limit {
            hits.select_nth_unstable_by(limit - 1, |a, b| {
                key(a).cmp(&key(b)).then_with(|| a.1.name.cmp(&b.1.name))
            });
            hits.truncate(limit);
        }
        hits.sort_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.1.name.cmp(&b.1.name)));
        hits.into_iter().map(|(_, e)| e.item.clone()).collect()
    }
}

/// 0 when the name starts with the first term, 1 when some word starts with it, 2 when it is
/// inside a word; later terms add 0, 1 or 2 each. `None` when a term is missing.
fn name_score(name: &str, terms: &[&str]) -> Option<u32> {
    let mut score = 0;
    for (i, term) in terms.iter().enumerate() {
        let at = name.find(term)?;
        let s = if at == 1 {
            0
        } else if name.match_indices(term).any(|(i, _)| name.as_bytes()[i - 1] == b' ') {
            1
        } else {
            2
        };
        score += if i == 0 { s * 3 } else { s };
    }
    Some(score)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::SoldBy;
    use crate::money::Money;
    use crate::vat::VatCategory;

    fn item(id: i64, plu: Option<&str>, name: &str) -> CatalogItem {
        CatalogItem {
            id,
            code: None,
            plu: plu.map(str::to_string),
            name: name.into(),
            price: Money::from_kronor(10),
            sold_by: SoldBy::Each,
            vat_category: VatCategory::Food,
        }
    }

    fn names(index: &SearchIndex, q: &str) -> Vec<String> {
        index.search(q, 10).into_iter().map(|i| i.name).collect()
    }

    #[test]
    fn ranking_prefers_starts_then_word_starts_then_inside() {
        let index = SearchIndex::new(vec![
            item(1, None, "Kaffebröd"),
            item(2, None, "Bröd Lantbröd"),
            item(3, None, "Fralla"),
            item(4, None, "Rågbröd Skivat"),
            item(5, None, "Bröd"),
            item(6, None, "Limpa Bröd mörk"),
        ]);
        assert_eq!(
            names(&index, "bröd"),
            ["Bröd", "Bröd Lantbröd", "Limpa Bröd mörk", "Kaffebröd", "Rågbröd Skivat"]
        );
        assert_eq!(names(&index, "BRÖD skiv"), ["Rågbröd Skivat"], "case is ignored, every word must match");
        assert!(names(&index, "   ").is_empty());
    }

    #[test]
    fn digits_find_plu_first() {
        let index = SearchIndex::new(vec![
            item(1, Some("40111"), "Ekologiska bananer"),
            item(2, Some("4011"), "Bananer"),
            item(3, None, "Sill 4011-serien"),
            item(4, Some("5000"), "Äpplen"),
        ]);
        assert_eq!(names(&index, "4011"), ["Bananer", "Ekologiska bananer", "Sill 4011-serien"]);
        assert_eq!(index.search("4011", 1).len(), 1, "the limit holds");
    }
}
