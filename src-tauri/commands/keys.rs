//! The API key in Settings: status, save, test, remove, and where it may be sent. The webview
//! sends a key in once, to be stored; it never gets one back, only presence, source, the last
//! four characters and the address it is bound to. Moving a key to another address takes the
//! person's click in a native dialog ([`confirm_address`]), which the page cannot click.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::error::{AppError, Result};
use crate::keys::{KeyStatus, Keys};
use crate::secrets::{origin_of, Account};
use crate::state::ApiState;

/// Keyring calls block (D-Bus, unlock prompts): run them off the async threads.
async fn blocking<T: Send + 'static>(keys: &Arc<Keys>, f: impl FnOnce(&Keys) -> T + Send + 'static) -> T {
    let keys = keys.clone();
    tauri::async_runtime::spawn_blocking(move || f(&keys)).await.expect("keyring task panicked")
}

#[tauri::command]
pub async fn key_status(account: Account, api: State<'_, ApiState>) -> Result<KeyStatus> {
    Ok(blocking(&api.keys, move |k| k.status(account)).await)
}

#[tauri::command]
pub async fn key_save(
    account: Account,
    key: String,
    session_only: bool,
    api: State<'_, ApiState>,
) -> Result<KeyStatus> {
    let address = api.endpoint_for(account).base_url;
    let origin = origin_of(&address).ok_or_else(|| {
        AppError::Settings(format!(
            "The API address {address} is not an http:// or https:// address; fix it in Settings first."
        ))
    })?;
    let status = blocking(&api.keys, move |k| k.save(account, &key, session_only, &origin)).await?;
    api.models.clear();
    Ok(status)
}

#[tauri::command]
pub async fn key_remove(account: Account, api: State<'_, ApiState>) -> Result<KeyStatus> {
    let status = blocking(&api.keys, move |k| k.remove(account)).await?;
    api.models.clear();
    Ok(status)
}

#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct KeyTest {
    pub ok: bool,
    /// Models the key can see, as a sign of life.
    pub models: usize,
}

/// A cheap authenticated call (`GET /v1/models`, no tokens spent) with the key in use. Fails
/// with the reason: `auth` (invalid or out of credits), `network`, `rate_limit`, …
/// Asks, in a native dialog, whether the key may go to the address now in use (after the address
/// changed, or when a request was refused with `key_elsewhere`). True when the person allowed it.
#[tauri::command]
pub async fn key_confirm_address<R: Runtime>(app: AppHandle<R>, account: Account) -> Result<bool> {
    confirm_address(&app, account).await
}

/// Accounts whose dialog is open: one at a time, so a page cannot stack dialogs.
#[derive(Default)]
pub struct Asking(Mutex<HashSet<Account>>);

/// The native "send your key to …?" dialog, when `account`'s key is bound to another origin than
/// its address now. The key moves only on the person's click, and only to the origin the dialog
/// named (a page changing the address again meanwhile changes nothing). True when it moved.
pub async fn confirm_address<R: Runtime>(app: &AppHandle<R>, account: Account) -> Result<bool> {
    let api = app.state::<ApiState>();
    let target = api.target_for(account).await;
    let (Some(bound), Some(address)) = (target.key_bound_elsewhere.clone(), target.origin()) else {
        return Ok(false);
    };
    let asking = app.state::<Asking>();
    if !asking.0.lock().unwrap_or_else(|e| e.into_inner()).insert(account) {
        return Ok(false);
    }
    let yes = ask(app, account, &bound, &address).await;
    asking.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&account);
    if !yes {
        log::info!("the {} key stays with {bound}", account.user());
        return Ok(false);
    }
    blocking(&api.keys, move |k| k.rebind(account, &address)).await?;
    api.models.clear();
    Ok(true)
}

/// The question, worded so a person who did not change the address says no.
fn question(account: Account, bound: &str, address: &str) -> (String, String, String, String) {
    let whose = account.spec().key_name;
    let title = format!("Send your {whose} to {address}?");
    let body = format!(
        "Your {whose} was saved for {bound}.\n\nThe address in Settings is now {address}. \
         Citewise sends a key only to the address it was saved for, so nothing was sent.\n\n\
         Allow it only if you changed the address yourself and trust {address}: whoever runs it \
         can spend your credit. Otherwise choose Keep, and check the address in Settings."
    );
    let host = address.split("://").nth(1).unwrap_or(address);
    (title, body, format!("Send it to {host}"), "Keep".to_owned())
}

async fn ask<R: Runtime>(app: &AppHandle<R>, account: Account, bound: &str, address: &str) -> bool {
    let (title, body, yes, no) = question(account, bound, address);
    let (tx, rx) = tokio::sync::oneshot::channel();
    let window = app.get_webview_window("main");
    // rfd's dialogs are built on the main (GTK) thread and awaited elsewhere.
    let shown = app.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncMessageDialog::new()
            .set_title(&title)
            .set_description(&body)
            .set_level(rfd::MessageLevel::Warning)
            .set_buttons(rfd::MessageButtons::OkCancelCustom(yes.clone(), no));
        if let Some(window) = &window {
            dialog = dialog.set_parent(window);
        }
        let answer = dialog.show();
        std::thread::spawn(move || {
            let answer = tauri::async_runtime::block_on(answer);
            // On Linux rfd answers Ok/Cancel rather than the custom label.
            let _ = tx.send(
                matches!(answer, rfd::MessageDialogResult::Ok) || answer == rfd::MessageDialogResult::Custom(yes),
            );
        });
    });
    if let Err(e) = shown {
        log::warn!("could not show the key dialog: {e}");
        return false;
    }
    rx.await.unwrap_or(false)
}

#[tauri::command]
pub async fn key_test(account: Account, api: State<'_, ApiState>) -> Result<KeyTest> {
    let target = api.target_for(account).await;
    let models = api.client.list_models(&target.endpoint, target.key()?).await?;
    Ok(KeyTest { ok: true, models: models.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_both_addresses_and_keeping_is_the_way_out() {
        let (title, body, yes, no) = question(Account::Perplexity, "https://api.perplexity.ai", "http://10.0.0.5:8080");
        assert_eq!(title, "Send your Perplexity API key to http://10.0.0.5:8080?");
        assert!(body.contains("saved for https://api.perplexity.ai"), "{body}");
        assert!(body.contains("nothing was sent"), "{body}");
        assert_eq!((yes.as_str(), no.as_str()), ("Send it to 10.0.0.5:8080", "Keep"));
    }
}
