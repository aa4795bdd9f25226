// Loaded first in the CSP probe frame (selftest-markdown.js): what Tauri's freezePrototype does
// before any page script runs.
Object.freeze(Object.prototype);
