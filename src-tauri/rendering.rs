//! How WebKitGTK should paint the window, decided once at start-up (Linux only).
//!
//! WebKitGTK 2.46+ paints with Skia on the GPU by default. On a machine without a GPU (a virtual
//! machine, a remote desktop, Xvfb) Mesa answers with llvmpipe, which runs the GPU's shaders on the
//! CPU: WebKit then pays for a GPU painter and gets a slow CPU one. Measured with `make bench` on
//! such a machine (2 cores, Xvfb): the first paint of the window took 450 ms after navigation with
//! the GPU painter and 220 ms with Skia's CPU painter, and frames while an answer streams got
//! shorter the same way. So when there is no GPU to render with, Citewise asks for the CPU painter.
//!
//! A person can always decide: a `WEBKIT_SKIA_ENABLE_CPU_RENDERING` already in the environment
//! (any value, `0` included) is left as it is.

use std::path::Path;

/// WebKitGTK's switch for Skia's CPU painter.
pub const CPU_RENDERING_ENV: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Whether to ask WebKit for the CPU painter.
///
/// * `already_set`: the person (or a launcher) set [`CPU_RENDERING_ENV`] themselves.
/// * `has_render_node`: a DRM render node (`/dev/dri/renderD*`) exists, i.e. a GPU driver is there.
/// * `software_gl`: `LIBGL_ALWAYS_SOFTWARE` asks Mesa for its software renderer anyway.
pub fn prefer_cpu_painting(already_set: bool, has_render_node: bool, software_gl: bool) -> bool {
    !already_set && (!has_render_node || software_gl)
}

/// Whether `dri` (normally `/dev/dri`) holds a render node.
pub fn has_render_node(dri: &Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}

/// Mesa treats any value but empty, `0` and `false` as "use the software renderer".
fn truthy(value: Option<std::ffi::OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Asks WebKit for the CPU painter on a machine without a GPU. Call first thing in `main`, before
/// any thread starts (it sets an environment variable) and before GTK or WebKit load.
pub fn choose() {
    let already_set = std::env::var_os(CPU_RENDERING_ENV).is_some();
    let software_gl = truthy(std::env::var_os("LIBGL_ALWAYS_SOFTWARE"));
    if prefer_cpu_painting(already_set, has_render_node(Path::new("/dev/dri")), software_gl) {
        std::env::set_var(CPU_RENDERING_ENV, "1");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_painter_only_where_there_is_no_gpu_and_never_over_the_persons_choice() {
        assert!(prefer_cpu_painting(false, false, false), "no GPU: CPU painter");
        assert!(!prefer_cpu_painting(false, true, false), "a GPU: WebKit's default");
        assert!(prefer_cpu_painting(false, true, true), "a GPU but Mesa told to render in software");
        assert!(!prefer_cpu_painting(true, false, false), "the person's setting wins");
        assert!(!prefer_cpu_painting(true, true, true), "the person's setting wins");
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
