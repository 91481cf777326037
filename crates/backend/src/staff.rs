//! Staff, PINs and permission checks.
//!
//! A PIN is stored as an Argon2id hash keyed with the install's pepper (a file beside the
//! database, never in it); verification compares in constant time inside `argon2`. Wrong PINs
//! count towards a lock-out ([`LockoutPolicy`]). Every refusal, lock-out, approval and staff
//! change is written to the audit log in the same transaction as its effect.

use std::path::Path;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use storekeep_domain::staff::{Action, LockoutPolicy, Permission, Role, permission, validate_pin};
use ts_rs::TS;

use crate::Storekeep;
use crate::audit::{Actor, AuditRecord, Outcome, append_in};
use crate::error::{Error, Result};

pub const PEPPER_FILE: &str = "pepper.key";

/// The install's secret key for PIN hashes. Losing it makes every PIN unusable (managers set
/// new ones); it is deliberately not in the database, so a copied database alone cannot be
/// brute-forced offline.
#[derive(Clone)]
pub struct Pepper([u8; 32]);

impl std::fmt::Debug for Pepper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pepper(..)")
    }
}

impl Pepper {
    /// Reads the pepper beside the database, creating it (owner-only) on first use.
    pub fn load_or_create(dir: &Path) -> Result<Pepper> {
        let path = dir.join(PEPPER_FILE);
        let io = |e: std::io::Error| Error::Storage(format!("{}: {e}", path.display()));
        match std::fs::read(&path) {
            Ok(bytes) => {
                let key: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| Error::Inconsistent(format!("{} is not a 32-byte key", path.display())))?;
                Ok(Pepper(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
                write_private(&path, &key).map_err(io)?;
                Ok(Pepper(key))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// The key itself, for a backup (sealed with everything else).
    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn argon2(&self) -> Result<Argon2<'_>> {
        Argon2::new_with_secret(&self.0, Algorithm::Argon2id, Version::V0x13, Params::default())
            .map_err(|e| Error::Storage(format!("argon2: {e}")))
    }

    pub fn hash_pin(&self, pin: &str) -> Result<String> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| Error::Storage(format!("no randomness: {e}")))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Storage(e.to_string()))?;
        Ok(self
            .argon2()?
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| Error::Storage(e.to_string()))?
            .to_string())
    }

    pub fn verify_pin(&self, pin: &str, stored: &str) -> Result<bool> {
        let parsed = PasswordHash::new(stored)
            .map_err(|e| Error::Inconsistent(format!("a PIN hash is unreadable: {e}")))?;
        Ok(self.argon2()?.verify_password(pin.as_bytes(), &parsed).is_ok())
    }
}

/// Writes a new secret file (owner-only on unix; refuses to overwrite), synced with its folder
/// so its name survives a power cut: the PIN pepper, a backup key.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    // The file's name is in its folder, which a power cut may lose even when the file's
    // content was synced: sync the folder too (tests/power_loss.rs in the CLI found a new
    // store's PINs all "wrong" after a cut right after `init`).
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        std::fs::File::open(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })?.sync_all()?;
    }
    Ok(())
}

/// A staff member as lists show them (never the PIN hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StaffMember {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

impl StaffMember {
    pub fn actor(&self) -> Actor {
        Actor { id: self.id, name: self.name.clone(), role: self.role }
    }
}

/// A manager's PIN entered on the spot to allow one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Approval {
    #[ts(type = "number")]
    pub manager_id: i64,
    pub pin: String,
}

/// Who may go ahead, and who approved it if anyone did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub actor: Actor,
    pub approved_by: Option<Actor>,
}

#[derive(Debug)]
pub struct Staff<'a> {
    sk: &'a Storekeep,
}

impl<'a> Staff<'a> {
    pub(crate) fn new(sk: &'a Storekeep) -> Self {
        Staff { sk }
    }

    fn now(&self) -> Timestamp {
        self.sk.clock().now()
    }

    fn record(&self, actor: Option<Actor>, action: &str, subject: String, outcome: Outcome) -> AuditRecord {
        AuditRecord::new(self.now(), actor, action, subject, outcome)
    }

    /// Writes a refusal to the audit log, then returns the error that caused it.
    async fn refuse<T>(&self, record: AuditRecord, error: Error) -> Result<T> {
        self.sk.audit().record(&AuditRecord { reason: Some(error.to_string()), ..record }).await?;
        Err(error)
    }

    pub async fn list(&self) -> Result<Vec<StaffMember>> {
        let rows = sqlx::query(
            "SELECT id, name, role, active FROM staff
             ORDER BY CASE role WHEN 'manager' THEN 0 WHEN 'cashier' THEN 1 ELSE 2 END, name",
        )
        .fetch_all(self.sk.db().reader())
        .await?;
        rows.iter().map(member_from_row).collect()
    }

    pub async fn get(&self, id: i64) -> Result<StaffMember> {
        let row = sqlx::query("SELECT id, name, role, active FROM staff WHERE id = ?")
            .bind(id)
            .fetch_optional(self.sk.db().reader())
            .await?
            .ok_or(Error::StaffNotFound(id))?;
        member_from_row(&row)
    }

    /// The first manager of a new store; refused once anyone exists.
    pub async fn create_first_manager(&self, name: &str, pin: &str) -> Result<StaffMember> {
        self.insert(None, name, Role::Manager, pin).await
    }

    /// A manager adds a person.
    pub async fn create(&self, by: &Actor, name: &str, role: Role, pin: &str) -> Result<StaffMember> {
        self.require(by, Action::ManageStaff, &format!("new {} {}", role.as_str(), name.trim())).await?;
        self.insert(Some(by.clone()), name, role, pin).await
    }

    async fn insert(&self, by: Option<Actor>, name: &str, role: Role, pin: &str) -> Result<StaffMember> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::StaffNameMissing);
        }
        validate_pin(pin)?;
        let hash = self.sk.pepper().hash_pin(pin)?;
        let mut tx = self.sk.db().begin_write().await?;
        if by.is_none() {
            let anyone: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&mut *tx).await?;
            if anyone > 0 {
                return Err(Error::FirstManagerExists);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO staff (name, role, pin_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(&hash)
        .bind(self.now().to_string())
        .fetch_one(&mut *tx)
        .await?;
        let member = StaffMember { id, name: name.to_string(), role, active: true };
        let action = if by.is_none() { "staff.create_first_manager" } else { "staff.create" };
        let mut record = self.record(by, action, subject(&member), Outcome::Done);
        record.new_value = Some(format!("{} (active)", role.as_str()));
        append_in(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// A manager disables a person, with a reason. Nobody is ever deleted.
    pub async fn disable(&self, by: &Actor, id: i64, reason: &str) -> Result<StaffMember> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::ReasonMissing);
        }
        let target = self.get(id).await?;
        self.require(by, Action::ManageStaff, &subject(&target)).await?;
        if target.id == by.id {
            return Err(Error::CannotDisableSelf);
        }
        let mut tx = self.sk.db().begin_write().await?;
        sqlx::query("UPDATE staff SET active = 0 WHERE id = ?").bind(id).execute(&mut *tx).await?;
        let mut record = self.record(Some(by.clone()), "staff.disable", subject(&target), Outcome::Done);
        record.old_value = Some(if target.active { "active" } else { "disabled" }.into());
        record.new_value = Some("disabled".into());
        record.reason = Some(reason.to_string());
        append_in(&mut tx, &record).await?;
        tx.commit().await?;
        Ok(StaffMember { active: false, ..target })
    }

    /// Checks `pin` for person `id`. Wrong PINs count towards a lock-out; both are audited.
    pub async fn authenticate(&self, id: i64, pin: &str) -> Result<StaffMember> {
        let now = self.now();
        let row = sqlx::query(
            "SELECT id, name, role, active, pin_hash, failed_attempts, locked_until FROM staff WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(self.sk.db().reader())
        .await?
        .ok_or(Error::StaffNotFound(id))?;
        let member = member_from_row(&row)?;
        let who = subject(&member);
        if !member.active {
            let record = self.record(Some(member.actor()), "login.refused", who, Outcome::Refused);
            return self.refuse(record, Error::StaffDisabled(member.name.clone())).await;
        }
        if let Some(until) = row.get::<Option<String>, _>(6).and_then(|s| s.parse::<Timestamp>().ok())
            && until > now
        {
            let record = self.record(Some(member.actor()), "login.refused", who, Outcome::Refused);
            let seconds = until.duration_since(now).as_secs();
            return self.refuse(record, Error::LockedOut { name: member.name.clone(), seconds }).await;
        }
        if self.sk.pepper().verify_pin(pin, row.get(4))? {
            if row.get::<i64, _>(5) > 0 {
                let mut tx = self.sk.db().begin_write().await?;
                sqlx::query("UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            return Ok(member);
        }
        // Counted inside the write transaction, so simultaneous wrong PINs each count.
        let mut tx = self.sk.db().begin_write().await?;
        let failures: i64 = sqlx::query_scalar(
            "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let failures = u32::try_from(failures).unwrap_or(u32::MAX);
        let policy = LockoutPolicy::default();
        let locked_until = policy.locked_until(failures, now);
        sqlx::query("UPDATE staff SET locked_until = ? WHERE id = ?")
            .bind(locked_until.map(|t| t.to_string()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let (action, error) = match locked_until {
            Some(until) => (
                "login.locked_out",
                Error::LockedOut { name: member.name.clone(), seconds: until.duration_since(now).as_secs() },
            ),
            None => ("login.failed", Error::WrongPin { left: policy.free_attempts.saturating_sub(failures) }),
        };
        let mut record = self.record(Some(member.actor()), action, who, Outcome::Refused);
        record.new_value = Some(format!("{failures} wrong PINs in a row"));
        record.reason = Some(error.to_string());
        append_in(&mut tx, &record).await?;
        tx.commit().await?;
        Err(error)
    }

    /// May `actor` take `action`? A step that needs approval goes ahead only with a manager's
    /// correct PIN; the approval (or refusal) is audited and returned so the registration can
    /// name both people.
    pub async fn authorize(
        &self,
        actor: &Actor,
        action: Action,
        approval: Option<&Approval>,
        what: &str,
    ) -> Result<Authorized> {
        let mut record =
            self.record(Some(actor.clone()), action.as_str(), what.to_string(), Outcome::Refused);
        // The store's policy can only waive an approval the table asks for: read it only then.
        let effective = match permission(actor.role, action) {
            Permission::WithApproval => {
                self.sk.settings().approval_policy().await?.permission(actor.role, action)
            }
            p => p,
        };
        match (effective, approval) {
            (Permission::Allowed, _) => Ok(Authorized { actor: actor.clone(), approved_by: None }),
            (Permission::Denied, _) => {
                self.refuse(record, Error::NotAllowed { role: actor.role, action }).await
            }
            (Permission::WithApproval, None) => Err(Error::NeedsApproval(action)),
            (Permission::WithApproval, Some(a)) => {
                let manager = self.authenticate(a.manager_id, &a.pin).await?;
                if permission(manager.role, action) != Permission::Allowed {
                    record.reason = Some(format!("{} is not a manager", manager.name));
                    return self.refuse(record, Error::ApproverNotManager(manager.name)).await;
                }
                record.action = format!("approval.{}", action.as_str());
                record.outcome = Outcome::Done;
                record.approved_by = Some(manager.actor());
                self.sk.audit().record(&record).await?;
                Ok(Authorized { actor: actor.clone(), approved_by: Some(manager.actor()) })
            }
        }
    }

    /// Like [`Staff::authorize`] for steps that never take an approval on the spot.
    async fn require(&self, actor: &Actor, action: Action, what: &str) -> Result<()> {
        self.authorize(actor, action, None, what).await.map(|_| ())
    }
}

fn subject(m: &StaffMember) -> String {
    format!("staff {} ({})", m.id, m.name)
}

fn member_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<StaffMember> {
    let role: String = row.get(2);
    Ok(StaffMember {
        id: row.get(0),
        name: row.get(1),
        role: Role::parse(&role).ok_or_else(|| Error::Inconsistent(format!("unknown role {role}")))?,
        active: row.get::<i64, _>(3) == 1,
    })
}
