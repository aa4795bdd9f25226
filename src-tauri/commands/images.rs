//! Answer images, fetched by the backend so the webview never loads anything remote.

use tauri::State;

use crate::error::Result;
use crate::images::{ImageData, Images};
use crate::state::ApiState;

/// One image as a `data:` URL: http(s) only, at most 5 MB, PNG/JPEG/GIF/WebP only (see
/// [`crate::images`]); refusals come back as `{kind, message}` and the UI leaves the image out.
#[tauri::command]
pub async fn image_fetch(url: String, api: State<'_, ApiState>, images: State<'_, Images>) -> Result<ImageData> {
    Ok(images.get(api.client.http(), &url).await?)
}
