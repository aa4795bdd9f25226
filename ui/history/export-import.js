// Settings → Data: export every conversation (Markdown or JSON), import a JSON export (read
// from a chosen file with File.text()), and open the export folder. What happened is said inline
// in one status line.

import { exportFolderOpen, historyExport, historyImport, toIpcError } from '../ipc/ipc.js';

/**
 * @typedef {import('../ipc/ipc.js').ExportResult} ExportResult
 * @typedef {import('../ipc/ipc.js').ImportReport} ImportReport
 */

/** The largest file imported, as `MAX_IMPORT_BYTES` in src-tauri/history/import.rs (a test keeps them equal). */
const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

/** "73 MB", "50.1 MB": rounded up to a tenth, as the backend says it. @param {number} bytes */
const megabytes = (bytes) => {
  const tenths = Math.ceil((bytes * 10) / (1024 * 1024));
  return `${Math.floor(tenths / 10)}${tenths % 10 ? `.${tenths % 10}` : ''} MB`;
};

const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** "Exported 12 conversations to /path/file.md" @param {ExportResult} result */
export function exportText(result) {
  return `Exported ${plural(result.conversations, 'conversation')} to ${result.path}`;
}

/** "Imported 3 conversations (41 messages). Skipped 1 already in history: …" @param {ImportReport} report */
export function importText(report) {
  let text = `Imported ${plural(report.conversations, 'conversation')} (${plural(report.messages, 'message')}).`;
  const skipped = Array.isArray(report.skipped) ? report.skipped : [];
  if (skipped.length) {
    const shown = skipped.slice(0, 5).map((t) => `“${t}”`).join(', ');
    text += ` Skipped ${skipped.length} already in history: ${shown}${skipped.length > 5 ? `, and ${skipped.length - 5} more` : ''}.`;
  }
  return text;
}

/**
 * @param {HTMLElement} section  the Data section of the Settings sheet
 * @param {{onImported: (report: ImportReport) => void}} hooks
 */
export function bindDataSection(section, hooks) {
  const $ = (/** @type {string} */ testid) => /** @type {HTMLElement} */ (section.querySelector(`[data-testid="${testid}"]`));
  const status = $('data-status');
  const file = /** @type {HTMLInputElement} */ ($('import-file'));
  let running = false;

  const say = (/** @type {string} */ text, /** @type {"ok" | "warn" | "busy"} */ tone) => {
    status.textContent = text;
    status.dataset.tone = tone;
    status.hidden = text === '';
  };

  /** Run one action at a time (buttons stay enabled, so focus stays where it was). */
  const busy = async (/** @type {string} */ doing, /** @type {() => Promise<string>} */ work) => {
    if (running) return;
    running = true;
    section.setAttribute('aria-busy', 'true');
    say(doing, 'busy');
    try {
      say(await work(), 'ok');
    } catch (err) {
      say(toIpcError(err).message, 'warn');
    } finally {
      running = false;
      section.removeAttribute('aria-busy');
    }
  };

  $('export-all-markdown').addEventListener('click', () =>
    busy('Exporting…', async () => exportText(await historyExport(null, 'markdown'))));
  $('export-all-json').addEventListener('click', () =>
    busy('Exporting…', async () => exportText(await historyExport(null, 'json'))));
  $('export-folder-open').addEventListener('click', () =>
    busy('Opening the export folder…', async () => {
      await exportFolderOpen();
      return '';
    }));
  $('import-open').addEventListener('click', () => {
    if (!running) file.click();
  });
  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    file.value = '';
    if (!chosen) return;
    busy(`Importing ${chosen.name}…`, async () => {
      // Refused before it is read: File.text() would hold all of it, then IPC would copy it.
      if (chosen.size > MAX_IMPORT_BYTES) {
        throw new Error(`${chosen.name} is ${megabytes(chosen.size)}; Citewise imports files up to ${megabytes(MAX_IMPORT_BYTES)}.`);
      }
      const report = await historyImport(await chosen.text());
      hooks.onImported(report);
      return importText(report);
    });
  });

  return {
    /** The sheet opened again: yesterday's message is not news. */
    reset: () => say('', 'ok'),
  };
}
