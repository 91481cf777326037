//! The TypeScript types the UI uses, generated from the Rust types (ts-rs) into
//! `ui/src/lib/bindings.ts`. The file is committed; a test fails when it drifts from Rust.
//! Regenerate with `make bindings`.

use storekeep_backend::audit::{Actor, AuditEntry, AuditFilter, AuditRecord, Outcome};
use storekeep_backend::backup::{
    BackupConfig, BackupRecord, FoundBackup, Manifest, Progress, RestoreOutcome, Restored,
};
use storekeep_backend::catalog::ImportReport;
use storekeep_backend::control::{ControlUnitSetting, Outage};
use storekeep_backend::demo::{DemoItem, DemoStaff};
use storekeep_backend::devices::{SimCard, SimSwish};
use storekeep_backend::health::{
    DependencyStatus, HealthSettings, HqQueue, IslandState, ModeView, ProbeTarget, SimHealth, StatusBoard,
};
use storekeep_backend::hours::{FeedHttp, HoursView};
use storekeep_backend::incidents::{
    Downtime, IncidentReport, IncidentSummary, MethodSales, OfflineDuring, TimelineEntry, TimelineKind,
};
use storekeep_backend::payments::{
    CapsForm, LinkHealth, OfflinePayment, OfflineReport, PaymentChange, PaymentChangeEnded, PaymentsStatus,
    PaymentsView, SetMethod,
};
use storekeep_backend::remote::{PinnedKey, Received, RemoteStatus};
use storekeep_backend::reports::ZSummary;
use storekeep_backend::scan_and_pay::{ExitCheck, ReceiveReport, ReceivedPurchase, ScanAndPayDay, Source};
use storekeep_backend::staff::{Approval, StaffMember};
use storekeep_backend::till::BackupStatus;
use storekeep_backend::till::{
    CashInstead, CopyOutput, Delivery, JournalCheck, ParkedSale, PayOutcome, ReportView, ReturnOutcome,
    ReturnPlan, SaleView, SessionInfo, SwishView, TillState,
};
use storekeep_backend::{ApiError, CustomerView, ErrorCode, StoreStatus};
use storekeep_domain::Money;
use storekeep_domain::cart::{CartLine, CatalogItem, Discount, DiscountKind, PricedCart, PricedLine, SoldBy};
use storekeep_domain::cash::{MovementKind, ShiftClosed, ShiftState};
use storekeep_domain::catalog_file::RowError;
use storekeep_domain::control::{Control, ControlUnitPolicy};
use storekeep_domain::door_sign::{FeedDay, FeedNow, FeedSpecialDay, FeedStore, HoursFeed, Notice};
use storekeep_domain::health::{Dependency, Level, ProbeSettings, StoreMode};
use storekeep_domain::holidays::SpecialDay;
use storekeep_domain::hours::{
    ChangeRequest, ChangeRule, ClockTime, DayHours, DayPlan, Decided, Ended, HoursChange, HoursStatus,
    Interval, OpeningHours, OpeningHoursForm, OutsideHours, SpecialDayDate, SpecialDayForm, SpecialDayHours,
    Week,
};
use storekeep_domain::payments::{
    Acceptance, Availability, CustomerMethod, FallbackRule, InForce, Limits, MethodState, OfflineCaps,
    PaymentMethod, Refusal,
};
use storekeep_domain::receipt::{Receipt, ReceiptKind, ReceiptLine, ReceiptPayment};
use storekeep_domain::report::{DayReport, GrandTotals, ReportKind};
use storekeep_domain::returns::{ReturnRequest, Returnable};
use storekeep_domain::sale::{Tender, TenderMethod};
use storekeep_domain::scan_and_pay::{AppPayment, ExitResult, Purchase, PurchaseLine};
use storekeep_domain::staff::{Action, ApprovalPolicy, Role, StaffRef};
use storekeep_domain::store::{OrgNumber, StoreIdentity};
use storekeep_domain::tally::{Tally, VatSum};
use storekeep_domain::vat::{VatCategory, VatLine};
use ts_rs::{Config, TS};

const HEADER: &str = "// Generated from the Rust types by `make bindings` (src-tauri/src/bindings.rs).\n\
// Do not edit by hand: a test fails when this file and the Rust types differ.\n\
// Money and decimals are strings (\"12.50\"): never do arithmetic on them as numbers.\n";

/// The whole bindings file, in a fixed order.
pub fn render() -> String {
    let cfg = Config::default();
    let decls = [
        Money::decl(&cfg),
        OrgNumber::decl(&cfg),
        VatCategory::decl(&cfg),
        SoldBy::decl(&cfg),
        StaffRef::decl(&cfg),
        DiscountKind::decl(&cfg),
        Discount::decl(&cfg),
        CatalogItem::decl(&cfg),
        CartLine::decl(&cfg),
        PricedLine::decl(&cfg),
        VatLine::decl(&cfg),
        TenderMethod::decl(&cfg),
        Tender::decl(&cfg),
        ClockTime::decl(&cfg),
        Interval::decl(&cfg),
        DayHours::decl(&cfg),
        Week::decl(&cfg),
        SpecialDay::decl(&cfg),
        SpecialDayHours::decl(&cfg),
        OpeningHours::decl(&cfg),
        ChangeRule::decl(&cfg),
        Ended::decl(&cfg),
        HoursChange::decl(&cfg),
        Decided::decl(&cfg),
        OutsideHours::decl(&cfg),
        HoursStatus::decl(&cfg),
        DayPlan::decl(&cfg),
        Notice::decl(&cfg),
        FeedHttp::decl(&cfg),
        SpecialDayDate::decl(&cfg),
        SpecialDayForm::decl(&cfg),
        OpeningHoursForm::decl(&cfg),
        ChangeRequest::decl(&cfg),
        HoursView::decl(&cfg),
        FeedStore::decl(&cfg),
        FeedNow::decl(&cfg),
        FeedSpecialDay::decl(&cfg),
        FeedDay::decl(&cfg),
        HoursFeed::decl(&cfg),
        PaymentMethod::decl(&cfg),
        Availability::decl(&cfg),
        Limits::decl(&cfg),
        OfflineCaps::decl(&cfg),
        Refusal::decl(&cfg),
        FallbackRule::decl(&cfg),
        MethodState::decl(&cfg),
        InForce::decl(&cfg),
        CustomerMethod::decl(&cfg),
        Acceptance::decl(&cfg),
        LinkHealth::decl(&cfg),
        PaymentChange::decl(&cfg),
        PaymentChangeEnded::decl(&cfg),
        SetMethod::decl(&cfg),
        CapsForm::decl(&cfg),
        OfflinePayment::decl(&cfg),
        OfflineReport::decl(&cfg),
        PaymentsView::decl(&cfg),
        PaymentsStatus::decl(&cfg),
        PurchaseLine::decl(&cfg),
        AppPayment::decl(&cfg),
        Purchase::decl(&cfg),
        ExitResult::decl(&cfg),
        ExitCheck::decl(&cfg),
        Source::decl(&cfg),
        ReceivedPurchase::decl(&cfg),
        ScanAndPayDay::decl(&cfg),
        ReceiveReport::decl(&cfg),
        CustomerView::decl(&cfg),
        PricedCart::decl(&cfg),
        SwishView::decl(&cfg),
        SaleView::decl(&cfg),
        ParkedSale::decl(&cfg),
        ReceiptLine::decl(&cfg),
        ReceiptPayment::decl(&cfg),
        Receipt::decl(&cfg),
        PayOutcome::decl(&cfg),
        Delivery::decl(&cfg),
        ReceiptKind::decl(&cfg),
        Control::decl(&cfg),
        ControlUnitPolicy::decl(&cfg),
        ControlUnitSetting::decl(&cfg),
        Outage::decl(&cfg),
        ShiftState::decl(&cfg),
        ShiftClosed::decl(&cfg),
        MovementKind::decl(&cfg),
        TillState::decl(&cfg),
        Returnable::decl(&cfg),
        ReturnRequest::decl(&cfg),
        ReturnPlan::decl(&cfg),
        CashInstead::decl(&cfg),
        ReturnOutcome::decl(&cfg),
        CopyOutput::decl(&cfg),
        VatSum::decl(&cfg),
        Tally::decl(&cfg),
        GrandTotals::decl(&cfg),
        ReportKind::decl(&cfg),
        DayReport::decl(&cfg),
        ReportView::decl(&cfg),
        ZSummary::decl(&cfg),
        JournalCheck::decl(&cfg),
        SimCard::decl(&cfg),
        SimSwish::decl(&cfg),
        RowError::decl(&cfg),
        ImportReport::decl(&cfg),
        StoreIdentity::decl(&cfg),
        DemoItem::decl(&cfg),
        StoreStatus::decl(&cfg),
        Role::decl(&cfg),
        Action::decl(&cfg),
        ApprovalPolicy::decl(&cfg),
        StaffMember::decl(&cfg),
        DemoStaff::decl(&cfg),
        SessionInfo::decl(&cfg),
        Approval::decl(&cfg),
        Actor::decl(&cfg),
        Outcome::decl(&cfg),
        AuditRecord::decl(&cfg),
        AuditEntry::decl(&cfg),
        AuditFilter::decl(&cfg),
        ErrorCode::decl(&cfg),
        ApiError::decl(&cfg),
        Dependency::decl(&cfg),
        Level::decl(&cfg),
        ProbeSettings::decl(&cfg),
        StoreMode::decl(&cfg),
        SimHealth::decl(&cfg),
        ProbeTarget::decl(&cfg),
        HealthSettings::decl(&cfg),
        IslandState::decl(&cfg),
        DependencyStatus::decl(&cfg),
        ModeView::decl(&cfg),
        HqQueue::decl(&cfg),
        IncidentSummary::decl(&cfg),
        PinnedKey::decl(&cfg),
        Received::decl(&cfg),
        RemoteStatus::decl(&cfg),
        StatusBoard::decl(&cfg),
        TimelineKind::decl(&cfg),
        TimelineEntry::decl(&cfg),
        Downtime::decl(&cfg),
        MethodSales::decl(&cfg),
        OfflineDuring::decl(&cfg),
        IncidentReport::decl(&cfg),
        BackupConfig::decl(&cfg),
        BackupRecord::decl(&cfg),
        BackupStatus::decl(&cfg),
        Manifest::decl(&cfg),
        FoundBackup::decl(&cfg),
        Progress::decl(&cfg),
        Restored::decl(&cfg),
        RestoreOutcome::decl(&cfg),
    ];
    let mut out = String::from(HEADER);
    for d in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(d.trim_start_matches("export "));
        out.push('\n');
    }
    out
}
