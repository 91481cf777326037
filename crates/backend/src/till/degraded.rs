//! The till's degraded-mode steps (issue 8): the status board, island mode, incidents and
//! drills, the monitor's settings, HQ's pinned key, and the dependency simulators. The rules
//! are in [`crate::health`], [`crate::incidents`] and [`crate::remote`].

use storekeep_domain::health::Dependency;
use storekeep_domain::staff::Action;

use super::Till;
use crate::error::Result;
use crate::health::{HealthSettings, SimHealth, StatusBoard};
use crate::incidents::{IncidentReport, IncidentSummary};
use crate::remote::{PinnedKey, Received};

impl Till {
    /// Everyone logged in sees the board (a cashier needs to know what works).
    pub async fn status_board(&self) -> Result<StatusBoard> {
        self.authorize(Action::ViewStatus, None, "view the status board").await?;
        self.sk.health().board().await
    }

    /// Island mode on or off (managers, with a reason).
    pub async fn set_island(&self, on: bool, reason: &str) -> Result<StatusBoard> {
        let member = self.authorize(Action::ChangeControls, None, "island mode").await?.actor;
        if on {
            self.sk.health().enter_island(Some(&member), reason).await?;
        } else {
            self.sk.health().leave_island(&member, reason).await?;
        }
        self.sk.health().board().await
    }

    pub async fn incidents(&self) -> Result<Vec<IncidentSummary>> {
        self.authorize(Action::ViewStatus, None, "view incidents").await?;
        self.sk.incidents().list(100).await
    }

    pub async fn incident_report(&self, id: i64) -> Result<IncidentReport> {
        self.authorize(Action::ChangeControls, None, "view an incident report").await?;
        self.sk.incidents().report(id).await
    }

    pub async fn add_incident_note(&self, id: i64, text: &str, decision: bool) -> Result<IncidentReport> {
        let member = self.authorize(Action::ChangeControls, None, "incident note").await?.actor;
        self.sk.incidents().note(&member, id, text, decision).await?;
        self.sk.incidents().report(id).await
    }

    pub async fn start_drill(&self, failures: &[Dependency], reason: &str) -> Result<IncidentSummary> {
        let member = self.authorize(Action::ChangeControls, None, "start a drill").await?.actor;
        self.sk.incidents().start_drill(&member, failures, reason).await
    }

    pub async fn end_drill(&self, reason: &str) -> Result<IncidentSummary> {
        let member = self.authorize(Action::ChangeControls, None, "end a drill").await?.actor;
        self.sk.incidents().end_drill(&member, reason).await
    }

    pub async fn set_health_settings(&self, settings: &HealthSettings, reason: &str) -> Result<StatusBoard> {
        let member = self.authorize(Action::ChangeControls, None, "health monitor settings").await?.actor;
        self.sk.health().set_settings(&member, settings, reason).await?;
        self.sk.health().board().await
    }

    pub async fn pin_hq_key(&self, key: &PinnedKey, reason: &str) -> Result<StatusBoard> {
        let member = self.authorize(Action::ChangeControls, None, "pin HQ's key").await?.actor;
        self.sk.remote().pin(&member, key, reason).await?;
        self.sk.health().board().await
    }

    /// Connects the store to HQ (managers, with a reason; audited, the token never shown).
    pub async fn connect_hq(&self, link: &crate::sync::HqLink, reason: &str) -> Result<()> {
        let member = self.authorize(Action::ChangeControls, None, "connect to HQ").await?.actor;
        self.sk.sync().connect(&member, link, reason).await
    }

    pub async fn remote_log(&self) -> Result<Vec<Received>> {
        self.authorize(Action::ChangeControls, None, "view remote commands").await?;
        self.sk.remote().log(200).await
    }

    /// SIMULATOR: sets what a simulated dependency answers. The card acquirer's and Swish's
    /// simulators behind the terminal and the Swish gateway follow at once; the monitor notices
    /// at its next probes, as it would a real link.
    /// A manager's (it changes the store mode for every register), audited.
    pub async fn simulate_dependency(&self, dependency: Dependency, health: SimHealth) -> Result<()> {
        let member = self.authorize(Action::ChangeControls, None, "set a dependency simulator").await?.actor;
        let sims = self.simulators().await?;
        let mut record = crate::audit::AuditRecord::new(
            self.sk.clock().now(),
            Some(member),
            "simulator.dependency",
            format!("{} (simulator)", crate::health::label(dependency).1),
            crate::audit::Outcome::Done,
        );
        record.new_value = Some(crate::health::enum_str(&health));
        self.sk.audit().record(&record).await?;
        let up = health == SimHealth::Up;
        match dependency {
            Dependency::CardAcquirer => sims.terminal.set_acquirer_reachable(up),
            Dependency::Swish => sims.swish.set_reachable(up),
            _ => {}
        }
        self.sk.health().simulator(dependency).set(health);
        Ok(())
    }
}
