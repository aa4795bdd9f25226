//! How WebKitGTK should paint the window, decided once at start-up (Linux only).
//!
//! WebKitGTK 2.46+ paints with Skia on the GPU and composites the page's layers with OpenGL by
//! default. On a machine without a GPU (a virtual machine, a remote desktop, Xvfb) Mesa answers
//! with llvmpipe, which runs the GPU's work on the CPU: WebKit then pays for a GPU and gets a slow
//! CPU. Measured with `make bench` on such a machine (2 cores, Xvfb):
//!
//! * Painting: the first paint of the window took 450 ms after navigation with the GPU painter and
//!   220 ms with Skia's CPU painter.
//! * Compositing: while an answer streamed, llvmpipe's threads took a third of both cores to
//!   composite each frame, and a frame came every 37 ms (longest 60–80 ms). Without accelerated
//!   compositing WebKit paints the changed part of the page straight into the window: a frame
//!   every 16.7 ms (longest ~35 ms) and half the latency.
//!
//! So when there is no GPU to render with, Citewise asks for both: the CPU painter and no
//! accelerated compositing. Where there is a GPU, WebKit's defaults stand.
//!
//! A person can always decide: a switch already in the environment (any value, `0` included) is
//! left as it is, each switch is decided on its own, and `CITEWISE_WEBKIT_DEFAULTS=1` sets none
//! (WebKit reads any value of `WEBKIT_DISABLE_COMPOSITING_MODE`, `0` too, as "off", so that is the
//! way to keep its compositing on a machine without a GPU).

use std::path::Path;

/// WebKitGTK's switch for Skia's CPU painter.
pub const CPU_RENDERING_ENV: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// WebKitGTK's switch that turns accelerated (OpenGL) compositing off. Chosen over
/// `WEBKIT_DISABLE_DMABUF_RENDERER`, which reaches the same state in WebKitGTK 2.44+ by leaving
/// the renderer without a buffer transport, a path that has crashed newer releases.
pub const NO_COMPOSITING_ENV: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Citewise's own switch: set to anything but empty, `0` or `false`, WebKit keeps its defaults.
pub const DEFAULTS_ENV: &str = "CITEWISE_WEBKIT_DEFAULTS";

/// The switches set on a machine without a GPU, with their value.
pub const SOFTWARE_SWITCHES: [(&str, &str); 2] = [(CPU_RENDERING_ENV, "1"), (NO_COMPOSITING_ENV, "1")];

/// Whether WebKit will render without a GPU: no DRM render node (`/dev/dri/renderD*`, i.e. no GPU
/// driver), or `LIBGL_ALWAYS_SOFTWARE` asking Mesa for its software renderer anyway.
pub fn software_only(has_render_node: bool, software_gl: bool) -> bool {
    !has_render_node || software_gl
}

/// The switches to set: on a machine without a GPU, those of [`SOFTWARE_SWITCHES`] that
/// `is_set` (the environment as it is) does not already hold.
pub fn switches_to_set(software_only: bool, is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    if !software_only {
        return Vec::new();
    }
    SOFTWARE_SWITCHES.into_iter().filter(|(name, _)| !is_set(name)).collect()
}

/// Whether `dri` (normally `/dev/dri`) holds a render node.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// Any value but empty, `0` and `false` is "yes" (as Mesa reads `LIBGL_ALWAYS_SOFTWARE`).
fn truthy(value: Option<std::ffi::OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Sets WebKit's software switches on a machine without a GPU. Call first thing in `main`, before
/// any thread starts (it sets environment variables) and before GTK or WebKit load.
pub fn choose() {
    if truthy(std::env::var_os(DEFAULTS_ENV)) {
        return;
    }
    let software =
        software_only(has_render_node(Path::new("/dev/dri")), truthy(std::env::var_os("LIBGL_ALWAYS_SOFTWARE")));
    for (name, value) in switches_to_set(software, |name| std::env::var_os(name).is_some()) {
        std::env::set_var(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn software_rendering_only_where_there_is_no_gpu() {
        assert!(software_only(false, false), "no GPU");
        assert!(!software_only(true, false), "a GPU: WebKit's defaults");
        assert!(software_only(true, true), "a GPU but Mesa told to render in software");
    }

    #[test]
    fn both_switches_without_a_gpu_none_with_one() {
        let names = |v: Vec<(&'static str, &'static str)>| v.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(switches_to_set(true, |_| false)), [CPU_RENDERING_ENV, NO_COMPOSITING_ENV]);
        assert!(switches_to_set(false, |_| false).is_empty());
        assert!(switches_to_set(true, |_| false).iter().all(|(_, value)| *value == "1"));
    }

    #[test]
    fn the_persons_own_setting_wins_switch_by_switch() {
        let left = switches_to_set(true, |name| name == CPU_RENDERING_ENV);
        assert_eq!(left, [(NO_COMPOSITING_ENV, "1")]);
        let left = switches_to_set(true, |name| name == NO_COMPOSITING_ENV);
        assert_eq!(left, [(CPU_RENDERING_ENV, "1")]);
        assert!(switches_to_set(true, |_| true).is_empty());
    }

    #[test]
    fn a_render_node_is_found_by_name() {
        let dir = std::env::temp_dir().join(format!("citewise-dri-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!has_render_node(&dir), "a missing /dev/dri: no GPU");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("card0"), "").unwrap();
        assert!(!has_render_node(&dir), "a display-only card is not a render node");
        std::fs::write(dir.join("renderD128"), "").unwrap();
        assert!(has_render_node(&dir));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mesa_software_switch_values() {
        assert!(!truthy(None));
        assert!(!truthy(Some("".into())));
        assert!(!truthy(Some("0".into())));
        assert!(!truthy(Some("false".into())));
        assert!(truthy(Some("1".into())));
        assert!(truthy(Some("true".into())));
    }
}
