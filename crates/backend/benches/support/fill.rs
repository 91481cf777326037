//! Shared by the benches: the baseline (one durable empty commit), and a journal of `from..=to`
//! sales appended fast, through the same
//! journal code as the till (`append_in`: chain hash, head, tally) and the sales projection,
//! in batches of 5,000.

use storekeep_backend::Storekeep;
use storekeep_backend::journal::append_in;
use storekeep_domain::journal::EntryKind;
use storekeep_domain::sale::Sale;

pub async fn fill(sk: &Storekeep, template: &Sale, from: i64, to: i64) {
    let mut no = from;
    while no <= to {
        let mut tx = sk.db().begin_write().await.expect("tx");
        let end = (no + 4999).min(to);
        for n in no..=end {
            let mut s = template.clone();
            s.receipt_no = n;
            let payload = serde_json::to_string(&s).expect("json");
            let at = s.completed_at.to_string();
            let seq =
                append_in(&mut tx, &s.register_id, EntryKind::Sale, &at, &payload).await.expect("append");
            sqlx::query(
                "INSERT INTO sale (register_id, receipt_no, journal_seq, completed_at, total, rounding) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&s.register_id)
            .bind(n)
            .bind(seq)
            .bind(&at)
            .bind(s.total.to_string())
            .bind(s.rounding.to_string())
            .execute(&mut *tx)
            .await
            .expect("sale row");
        }
        tx.commit().await.expect("commit");
        no = end + 1;
    }
}

/// The median of 200 durable commits of one tiny row: what every figure is a ratio of.
pub async fn baseline(sk: &Storekeep) -> std::time::Duration {
    sqlx::query("CREATE TABLE bench_baseline (n INTEGER)").execute(sk.db().writer()).await.expect("table");
    let mut base = Vec::new();
    for _ in 0..200 {
        let t = std::time::Instant::now();
        let mut tx = sk.db().begin_write().await.expect("tx");
        sqlx::query("INSERT INTO bench_baseline (n) VALUES (1)").execute(&mut *tx).await.expect("insert");
        tx.commit().await.expect("commit");
        base.push(t.elapsed());
    }
    base.sort();
    base[base.len() / 2]
}
