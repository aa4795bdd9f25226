// What the "⋯" menu of a sidebar conversation does: Rename (inline, in the list), Pin/Unpin,
// Export as Markdown or JSON (a toast with the path and "Open folder"), Delete (gone at once, a
// toast with Undo for a few seconds; deleting the open conversation goes to a new chat).

import { conversationDelete, conversationPin, conversationRestore, exportFolderOpen, historyExport, toIpcError } from '../ipc/ipc.js';

/**
 * @typedef {import('../ipc/ipc.js').ConversationSummary} ConversationSummary
 * @typedef {import('../ipc/ipc.js').ExportFormat} ExportFormat
 * @typedef {import('./conversation-menu.js').MenuAction} MenuAction
 *
 * @typedef {object} HistoryActionDeps
 * @property {ReturnType<typeof import('./conversation-list.js').createHistoryList>} list
 * @property {ReturnType<typeof import('./conversation-menu.js').createConversationMenu>} menu
 * @property {ReturnType<typeof import('../lib/toast.js').createToaster>} toast
 * @property {{currentId: () => string | null, isEmpty: () => boolean, isStreaming: () => boolean,
 *   newChat: () => void, open: (id: string) => void}} chat
 */

const FORMAT_NAMES = { markdown: 'Markdown', json: 'JSON' };

/** @param {HistoryActionDeps} deps */
export function createHistoryActions({ list, menu, toast, chat }) {
  const warn = (/** @type {string} */ text) => toast.show({ text, tone: 'warn' });

  /** A toast with the written file and a button that opens its folder. */
  const exported = (/** @type {string} */ text) =>
    toast.show({
      text,
      action: {
        label: 'Open folder',
        testid: 'open-export-folder',
        run: () => exportFolderOpen().catch((err) => warn(`Could not open the folder. ${toIpcError(err).message}`)),
      },
    });

  const exportOne = async (/** @type {ConversationSummary} */ summary, /** @type {ExportFormat} */ format) => {
    try {
      const result = await historyExport([summary.id], format);
      exported(`Exported “${summary.title}” as ${FORMAT_NAMES[format]} to ${result.path}`);
    } catch (err) {
      warn(`Export failed. ${toIpcError(err).message}`);
    }
  };

  const pin = async (/** @type {ConversationSummary} */ summary) => {
    try {
      list.update(await conversationPin(summary.id, !summary.pinned));
    } catch (err) {
      warn(`Could not ${summary.pinned ? 'unpin' : 'pin'} “${summary.title}”. ${toIpcError(err).message}`);
    }
  };

  const undo = async (/** @type {ConversationSummary} */ summary, /** @type {boolean} */ wasOpen) => {
    try {
      const restored = await conversationRestore(summary.id);
      list.update(restored);
      if (wasOpen && chat.isEmpty() && !chat.isStreaming()) chat.open(restored.id);
    } catch (err) {
      warn(`Could not bring back “${summary.title}”. ${toIpcError(err).message}`);
    }
  };

  const remove = async (/** @type {ConversationSummary} */ summary) => {
    const wasOpen = chat.currentId() === summary.id;
    list.remove(summary.id);
    if (wasOpen) chat.newChat();
    try {
      await conversationDelete(summary.id);
    } catch (err) {
      const error = toIpcError(err);
      if (error.kind !== 'not_found') list.update(summary);
      warn(`Could not delete “${summary.title}”. ${error.message}`);
      return;
    }
    toast.show({ text: `Deleted “${summary.title}”.`, action: { label: 'Undo', testid: 'undo-delete', run: () => undo(summary, wasOpen) } });
  };

  /** @param {ConversationSummary} summary @param {MenuAction} action */
  const run = (summary, action) => {
    if (action === 'rename') list.startRename(summary.id);
    else if (action === 'pin') pin(summary);
    else if (action === 'export-markdown') exportOne(summary, 'markdown');
    else if (action === 'export-json') exportOne(summary, 'json');
    else if (action === 'delete') remove(summary);
  };

  return {
    /** Open the menu of one conversation. @param {HTMLButtonElement} anchor @param {ConversationSummary} summary */
    openMenu(anchor, summary) {
      menu.open(
        anchor,
        [
          { action: 'rename', label: 'Rename' },
          { action: 'pin', label: summary.pinned ? 'Unpin' : 'Pin' },
          { action: 'export-markdown', label: 'Export as Markdown' },
          { action: 'export-json', label: 'Export as JSON' },
          { action: 'delete', label: 'Delete' },
        ],
        (action) => run(list.summaryOf(summary.id) ?? summary, action),
      );
    },
    exported,
  };
}
