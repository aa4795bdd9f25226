//! Answer images, fetched by the backend so the webview never loads anything remote.

use tauri::State;

use crate::error::Result;
use crate::images::{answers, ImageData, Images};
use crate::state::History;

/// Image `index` of answer `message_id` as a `data:` URL. The URL is the one the answer came
/// with (while it streams, the stream's; then the saved one), never one from the page; the
/// fetch follows [`crate::images`]' policy. Refusals come back as `{kind, message}` and the UI
/// leaves the image out.
#[tauri::command]
pub async fn image_fetch(
    message_id: String,
    index: usize,
    images: State<'_, Images>,
    history: State<'_, History>,
) -> Result<ImageData> {
    let url = match images.streamed.url(&message_id, index) {
        Some(url) => url,
        None => history.run(move |db| answers::saved_url(db, &message_id, index)).await?,
    };
    Ok(images.get(&url).await?)
}
