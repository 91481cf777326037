//! The commands the UI may call. Each is a few lines over the backend's `Till`, which checks
//! the session and the role in Rust; errors cross as `{ code, message, message_sv }`.
//! Adding one: list it in `build.rs`, grant it in `capabilities/main.json`, call it from
//! `ui/src/lib/api.ts` (a test checks all three agree).

use storekeep_backend::audit::{AuditEntry, AuditFilter};
use storekeep_backend::staff::{Approval, StaffMember};
use storekeep_backend::till::SessionInfo;
use storekeep_backend::{ApiError, StoreStatus};
use storekeep_domain::cart::PricedCart;
use storekeep_domain::receipt::Receipt;
use storekeep_domain::staff::Role;
use tauri::State;

use crate::AppState;

type CmdResult<T> = Result<T, ApiError>;

fn api<T>(r: storekeep_backend::Result<T>) -> CmdResult<T> {
    r.map_err(|e| e.to_api())
}

#[tauri::command]
pub async fn store_status(state: State<'_, AppState>) -> CmdResult<StoreStatus> {
    api(state.till()?.status().await)
}

#[tauri::command]
pub async fn login(state: State<'_, AppState>, staff_id: i64, pin: String) -> CmdResult<SessionInfo> {
    api(state.till()?.login(staff_id, &pin).await)
}

#[tauri::command]
pub async fn logout(state: State<'_, AppState>) -> CmdResult<()> {
    state.till()?.logout();
    Ok(())
}

#[tauri::command]
pub async fn create_first_manager(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> CmdResult<SessionInfo> {
    api(state.till()?.create_first_manager(&name, &pin).await)
}

#[tauri::command]
pub async fn current_cart(state: State<'_, AppState>) -> CmdResult<PricedCart> {
    api(state.till()?.cart().await)
}

#[tauri::command]
pub async fn scan(state: State<'_, AppState>, code: String) -> CmdResult<PricedCart> {
    api(state.till()?.scan(&code).await)
}

#[tauri::command]
pub async fn void_line(
    state: State<'_, AppState>,
    index: usize,
    approval: Option<Approval>,
) -> CmdResult<PricedCart> {
    api(state.till()?.void_line(index, approval.as_ref()).await)
}

#[tauri::command]
pub async fn pay_cash(state: State<'_, AppState>, tendered: String) -> CmdResult<Receipt> {
    api(state.till()?.pay_cash(&tendered).await)
}

#[tauri::command]
pub async fn receipt(state: State<'_, AppState>, receipt_no: i64) -> CmdResult<Receipt> {
    api(state.till()?.receipt(receipt_no).await)
}

#[tauri::command]
pub async fn list_staff(state: State<'_, AppState>) -> CmdResult<Vec<StaffMember>> {
    api(state.till()?.list_staff().await)
}

#[tauri::command]
pub async fn create_staff(
    state: State<'_, AppState>,
    name: String,
    role: Role,
    pin: String,
) -> CmdResult<StaffMember> {
    api(state.till()?.create_staff(&name, role, &pin).await)
}

#[tauri::command]
pub async fn disable_staff(
    state: State<'_, AppState>,
    staff_id: i64,
    reason: String,
) -> CmdResult<StaffMember> {
    api(state.till()?.disable_staff(staff_id, &reason).await)
}

#[tauri::command]
pub async fn audit_list(state: State<'_, AppState>, filter: AuditFilter) -> CmdResult<Vec<AuditEntry>> {
    api(state.till()?.audit(&filter).await)
}
