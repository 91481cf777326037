//! Store settings: small JSON values in one table. Every change is audited with the old and
//! new value and the reason.

use storekeep_domain::staff::{APPROVABLE, Action, ApprovalPolicy};

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome};
use crate::error::{Error, Result};

const APPROVAL_POLICY: &str = "approval_policy";

/// A setting's value (`default` until one is written), read with `db` (a pool, or a
/// transaction's connection).
pub(crate) async fn read<'e, T, E>(db: E, key: &str, default: T) -> Result<T>
where
    T: serde::de::DeserializeOwned,
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM setting WHERE key = ?").bind(key).fetch_optional(db).await?;
    match value {
        None => Ok(default),
        Some(v) => serde_json::from_str(&v)
            .map_err(|e| Error::Inconsistent(format!("the setting {key} cannot be read: {e}"))),
    }
}

/// What the audit log says of a setting's change: the values as shown (a secret is never shown).
#[derive(Debug)]
pub(crate) struct Shown {
    pub old: String,
    pub new: String,
}

/// Writes `stored` under `key` and the audit record (`setting.<key>`, by whom, old and new as
/// `shown`, the reason) in one transaction.
pub(crate) async fn write_audited(
    sk: &Storekeep,
    by: &Actor,
    key: &str,
    stored: &str,
    shown: Shown,
    reason: &str,
) -> Result<()> {
    let mut tx = sk.db().begin_write().await?;
    write_audited_in(&mut tx, sk.clock().now(), by, key, stored, shown, reason).await?;
    tx.commit().await?;
    Ok(())
}

/// [`write_audited`] inside the caller's transaction (several settings that go together).
pub(crate) async fn write_audited_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    at: jiff::Timestamp,
    by: &Actor,
    key: &str,
    stored: &str,
    shown: Shown,
    reason: &str,
) -> Result<()> {
    sqlx::query("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
        .bind(key)
        .bind(stored)
        .execute(&mut **tx)
        .await?;
    let mut record =
        AuditRecord::new(at, Some(by.clone()), &format!("setting.{key}"), key.into(), Outcome::Done);
    record.old_value = Some(shown.old);
    record.new_value = Some(shown.new);
    record.reason = Some(reason.to_string());
    crate::audit::append_in(tx, &record).await?;
    Ok(())
}

#[derive(Debug)]
pub struct Settings<'a> {
    sk: &'a Storekeep,
}

impl<'a> Settings<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Settings { sk }
    }

    /// Which till steps need a manager's approval (the default until a manager changes it).
    pub async fn approval_policy(&self) -> Result<ApprovalPolicy> {
        read(self.sk.db().reader(), APPROVAL_POLICY, ApprovalPolicy::default()).await
    }

    /// Changes the approval policy (managers, with a reason; audited with old and new).
    pub async fn set_approval_policy(&self, by: &Actor, policy: &ApprovalPolicy, reason: &str) -> Result<()> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "approval policy").await?;
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        if let Some(a) = policy.needs_approval.iter().find(|a| !APPROVABLE.contains(a)) {
            return Err(Error::NotApprovable(*a));
        }
        if policy.discount_limit_percent < rust_decimal::Decimal::ZERO
            || policy.discount_limit_percent > rust_decimal::Decimal::ONE_HUNDRED
        {
            return Err(Error::Cart(storekeep_domain::cart::CartError::BadDiscount(
                policy.discount_limit_percent.to_string(),
            )));
        }
        let old = self.approval_policy().await?;
        let json = |p: &ApprovalPolicy| serde_json::to_string(p).map_err(|e| Error::Storage(e.to_string()));
        let new = json(policy)?;
        let shown = Shown { old: json(&old)?, new: new.clone() };
        write_audited(self.sk, by, APPROVAL_POLICY, &new, shown, reason.trim()).await
    }

    /// What the till does when the control unit fails, and who decided it.
    pub async fn control_unit_policy(&self) -> Result<crate::control::ControlUnitSetting> {
        let mut tx = self.sk.db().reader().begin().await?;
        crate::control::setting_in(&mut tx).await
    }

    /// Changes the control-unit policy (managers, with a reason; audited with old and new). The
    /// decision is also carried into the journal by any outage that happens under it.
    pub async fn set_control_unit_policy(
        &self,
        by: &Actor,
        policy: storekeep_domain::control::ControlUnitPolicy,
        reason: &str,
    ) -> Result<crate::control::ControlUnitSetting> {
        self.sk.staff().authorize(by, Action::ChangeControls, None, "control unit policy").await?;
        if reason.trim().is_empty() {
            return Err(Error::ReasonMissing);
        }
        let old = self.control_unit_policy().await?;
        let new = crate::control::ControlUnitSetting {
            policy,
            decided_by: Some(storekeep_domain::staff::StaffRef { id: by.id, name: by.name.clone() }),
            decided_at: Some(self.sk.clock().now()),
            reason: Some(reason.trim().to_string()),
        };
        let json = |p: &crate::control::ControlUnitSetting| {
            serde_json::to_string(p).map_err(|e| Error::Storage(e.to_string()))
        };
        let mut tx = self.sk.db().begin_write().await?;
        sqlx::query("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(crate::control::SETTING_KEY)
            .bind(json(&new)?)
            .execute(&mut *tx)
            .await?;
        let mut record = AuditRecord::new(
            self.sk.clock().now(),
            Some(by.clone()),
            "setting.control_unit_policy",
            crate::control::SETTING_KEY.into(),
            Outcome::Done,
        );
        record.old_value = Some(old.policy.as_str().to_string());
        record.new_value = Some(policy.as_str().to_string());
        record.reason = Some(reason.trim().to_string());
        crate::audit::append_in(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(new)
    }
}
