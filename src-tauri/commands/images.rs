//! Answer images, fetched by the backend so the webview never loads anything remote.

use tauri::State;

use crate::error::Result;
use crate::images::{ImageData, Images};

/// One image as a `data:` URL, fetched under [`crate::images`]' policy (public addresses only,
/// at most 5 MB, PNG/JPEG/GIF/WebP only); refusals come back as `{kind, message}` and the UI
/// leaves the image out.
#[tauri::command]
pub async fn image_fetch(url: String, images: State<'_, Images>) -> Result<ImageData> {
    Ok(images.get(&url).await?)
}
