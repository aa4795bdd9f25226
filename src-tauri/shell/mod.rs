//! The desktop shell around the page: the native window's look (appearance), size and place
//! (window_state), how WebKit paints (rendering), what the webview may do (webview_policy), one
//! process per data folder (instance), the log file (logging), and the desktop notification when
//! background research ends (notification).

pub(crate) mod appearance;
pub mod instance;
pub mod logging;
pub mod notification;
#[cfg(target_os = "linux")]
pub mod rendering;
pub(crate) mod webview_policy;
pub mod window_state;
