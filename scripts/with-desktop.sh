#!/usr/bin/env bash
# Runs a command inside a throwaway desktop session: a virtual X display (Xvfb), a private D-Bus
# session bus, and an unlocked gnome-keyring on it (a real Secret Service). Set
# CITEWISE_E2E_VISIBLE=1 to use your own display instead and watch the tests drive the window.
set -euo pipefail
case "${CITEWISE_DESKTOP_STAGE:-}" in
  "")
    export CITEWISE_DESKTOP_STAGE=bus
    if [ -n "${CITEWISE_E2E_VISIBLE:-}" ] && [ -n "${DISPLAY:-}" ]; then
      exec "$0" "$@"
    fi
    exec xvfb-run -a -s "-screen 0 1280x860x24" "$0" "$@"
    ;;
  bus)
    export CITEWISE_DESKTOP_STAGE=run
    # The bus daemon narrates every service activation on stderr; drop those lines.
    exec dbus-run-session -- "$0" "$@" 2> >(grep -v '^dbus-daemon\[' >&2)
    ;;
esac
# No accessibility bus or desktop portals in a throwaway session: they only add noise.
export NO_AT_BRIDGE=1 GTK_USE_PORTAL=0
# Inside the bus: unlock a fresh keyring with a throwaway password, in a throwaway home for it.
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
eval "$(printf 'citewise-test' | gnome-keyring-daemon --unlock --components=secrets --daemonize 2>/dev/null)" || true
exec "$@"
