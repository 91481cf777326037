//! The till's backup steps (issue 10): a manager sets backups up, makes one by hand and sees
//! the log. The rules are in [`crate::backup`].

use serde::{Deserialize, Serialize};
use storekeep_domain::staff::Action;
use ts_rs::TS;

use super::Till;
use crate::backup::{BackupConfig, BackupRecord, OnProgress};
use crate::error::Result;

/// What the backup view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BackupStatus {
    pub config: Option<BackupConfig>,
    /// Fingerprint of the public key backups are sealed to.
    pub key_fingerprint: Option<String>,
    /// The latest backups made here, newest first (failed ones too).
    pub recent: Vec<BackupRecord>,
    /// Restored, and not yet caught up from HQ: nothing can be registered until it is.
    pub catch_up_pending: bool,
}

impl Till {
    pub async fn backup_status(&self) -> Result<BackupStatus> {
        self.authorize(Action::ChangeControls, None, "view backups").await?;
        let config = self.sk.backups().config().await?;
        let key_fingerprint = config
            .as_ref()
            .and_then(|c| crate::backup::PublicKey::parse(&c.public_key).ok())
            .map(|k| k.fingerprint());
        Ok(BackupStatus {
            config,
            key_fingerprint,
            recent: self.sk.backups().list(20).await?,
            catch_up_pending: self.sk.sync().catch_up_pending().await?,
        })
    }

    /// Sets the key, the destination, the schedule and the retention (managers, with a reason).
    pub async fn configure_backups(&self, config: &BackupConfig, reason: &str) -> Result<BackupStatus> {
        let member = self.authorize(Action::ChangeControls, None, "set up backups").await?.actor;
        self.sk.backups().configure(&member, config, reason).await?;
        self.backup_status().await
    }

    /// A backup now (managers), checked and read back before it counts.
    pub async fn backup_now(&self, on: OnProgress<'_>) -> Result<BackupRecord> {
        let member = self.authorize(Action::ChangeControls, None, "make a backup").await?.actor;
        let reason = format!("by hand ({})", member.name);
        self.sk.backups().create(Some(&member), &reason, on).await
    }

    /// After a restore: fetches from HQ what it holds beyond this journal (managers); the
    /// till registers again once it has. Returns how many were caught up.
    pub async fn catch_up_now(&self, on: OnProgress<'_>) -> Result<i64> {
        self.authorize(Action::ChangeControls, None, "catch up from HQ").await?;
        self.sk.sync().catch_up(on).await
    }
}
