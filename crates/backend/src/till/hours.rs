//! The till's opening-hours steps (issue 6): the live view for anyone on the till, and the
//! manager's changes, each checked and audited by [`crate::hours::Hours`].

use storekeep_domain::door_sign::Notice;
use storekeep_domain::hours::{ChangeRequest, HoursChange, HoursStatus, OpeningHoursForm};
use storekeep_domain::staff::Action;

use super::Till;
use crate::error::Result;
use crate::hours::{FeedHttp, HoursView};

impl Till {
    /// The state now, the week and the rules (the kiosk display may look).
    pub async fn hours_view(&self) -> Result<HoursView> {
        self.authorize(Action::ViewStatus, None, "view the opening hours").await?;
        self.sk.hours().view().await
    }

    /// Only the state now: for the header and the till's banner.
    pub async fn hours_status(&self) -> Result<HoursStatus> {
        self.authorize(Action::ViewStatus, None, "view the opening hours").await?;
        self.sk.hours().status().await
    }

    /// The week, special days and grace as typed; every message names the day.
    pub async fn set_opening_hours(&self, form: &OpeningHoursForm, reason: &str) -> Result<HoursView> {
        // Who may, before what: a cashier is refused (and audited), not told about a typo.
        let member = self.authorize(Action::ChangeControls, None, "opening hours").await?.actor;
        self.sk.hours().set_standing(&member, &form.parse()?, reason).await?;
        self.sk.hours().view().await
    }

    /// A temporary change, or close now / open now (from this moment on the till's clock).
    pub async fn add_hours_change(&self, request: &ChangeRequest, reason: &str) -> Result<HoursChange> {
        let member = self.authorize(Action::ChangeControls, None, "change the opening hours").await?.actor;
        let rule = request.to_rule(self.sk.clock().now(), self.sk.time_zone())?;
        self.sk.hours().add_change(&member, &rule, reason).await
    }

    pub async fn end_hours_change(&self, id: i64, reason: &str) -> Result<HoursChange> {
        let member = self.active_member()?;
        self.sk.hours().end_change(&member.actor(), id, reason).await
    }

    pub async fn set_customer_notice(&self, notice: &Notice, reason: &str) -> Result<HoursView> {
        let member = self.active_member()?;
        self.sk.hours().set_notice(&member.actor(), notice, reason).await?;
        self.sk.hours().view().await
    }

    pub async fn set_feed_http(&self, feed: &FeedHttp, reason: &str) -> Result<HoursView> {
        let member = self.active_member()?;
        self.sk.hours().set_feed_http(&member.actor(), feed, reason).await?;
        self.sk.hours().view().await
    }
}
