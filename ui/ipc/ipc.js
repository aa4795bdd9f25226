// The only module that touches `window.__TAURI__`. Every backend command the window uses is
// wrapped here, so the IPC surface is greppable and the harness can fake it in one place.
// Longer than most modules on purpose: it is one list, a short wrapper per command.

/**
 * The payload types, generated from the Rust structs (src-tauri/ipc_types.rs → src-tauri/contract/ipc.d.ts,
 * where each carries its Rust doc comment). `make lint` type-checks the window against them with
 * tsc (checkJs, strict): a field renamed in Rust fails there until the window follows.
 *
 * @typedef {import('../../src-tauri/contract/ipc').Provider} Provider
 * @typedef {import('../../src-tauri/contract/ipc').KeySource} KeySource
 * @typedef {import('../../src-tauri/contract/ipc').Account} Account
 * @typedef {import('../../src-tauri/contract/ipc').KeyStatus} KeyStatus
 * @typedef {import('../../src-tauri/contract/ipc').KeyTest} KeyTest
 * @typedef {import('../../src-tauri/contract/ipc').AppStatus} AppStatus
 * @typedef {import('../../src-tauri/contract/ipc').Recency} Recency
 * @typedef {import('../../src-tauri/contract/ipc').ContextSize} ContextSize
 * @typedef {import('../../src-tauri/contract/ipc').SearchOptions} SearchOptions
 * @typedef {import('../../src-tauri/contract/ipc').RequestOptions} RequestOptions
 * @typedef {import('../../src-tauri/contract/ipc').Settings} Settings
 * @typedef {import('../../src-tauri/contract/ipc').Theme} Theme
 * @typedef {import('../../src-tauri/contract/ipc').ProviderSpec} ProviderSpec
 * @typedef {import('../../src-tauri/contract/ipc').AccountSpec} AccountSpec
 * @typedef {import('../../src-tauri/contract/ipc').Registry} Registry
 * @typedef {import('../../src-tauri/contract/ipc').Switched} Switched
 * @typedef {import('../../src-tauri/contract/ipc').ContextFees} ContextFees
 * @typedef {import('../../src-tauri/contract/ipc').ModelPrice} ModelPrice
 * @typedef {import('../../src-tauri/contract/ipc').ToolPrices} ToolPrices
 * @typedef {import('../../src-tauri/contract/ipc').PresetAssumption} PresetAssumption
 * @typedef {import('../../src-tauri/contract/ipc').CatalogueInfo} CatalogueInfo
 * @typedef {import('../../src-tauri/contract/ipc').PriceTable} PriceTable
 * @typedef {import('../../src-tauri/contract/ipc').Estimate} Estimate
 * @typedef {import('../../src-tauri/contract/ipc').Learned} Learned
 * @typedef {import('../../src-tauri/contract/ipc').SpendTotal} SpendTotal
 * @typedef {import('../../src-tauri/contract/ipc').SpendSummary} SpendSummary
 * @typedef {import('../../src-tauri/contract/ipc').SpendByModel} SpendByModel
 * @typedef {import('../../src-tauri/contract/ipc').SpendReport} SpendReport
 * @typedef {import('../../src-tauri/contract/ipc').ModelList} ModelList
 * @typedef {import('../../src-tauri/contract/ipc').CatalogueModel} CatalogueModel
 * @typedef {import('../../src-tauri/contract/ipc').Versions} Versions
 * @typedef {import('../../src-tauri/contract/ipc').ConversationSummary} ConversationSummary
 * @typedef {import('../../src-tauri/contract/ipc').ConversationPage} ConversationPage
 * @typedef {import('../../src-tauri/contract/ipc').MessageStatus} MessageStatus
 * @typedef {import('../../src-tauri/contract/ipc').StoredMessage} StoredMessage
 * @typedef {import('../../src-tauri/contract/ipc').Conversation} Conversation
 * @typedef {import('../../src-tauri/contract/ipc').SnippetPart} SnippetPart
 * @typedef {import('../../src-tauri/contract/ipc').SearchHit} SearchHit
 * @typedef {import('../../src-tauri/contract/ipc').ExportFormat} ExportFormat
 * @typedef {import('../../src-tauri/contract/ipc').ExportResult} ExportResult
 * @typedef {import('../../src-tauri/contract/ipc').ImportReport} ImportReport
 * @typedef {import('../../src-tauri/contract/ipc').Image} Image
 * @typedef {import('../../src-tauri/contract/ipc').ImageData} ImageData
 * @typedef {import('../../src-tauri/contract/ipc').Source} Source
 * @typedef {import('../../src-tauri/contract/ipc').Cost} Cost
 * @typedef {import('../../src-tauri/contract/ipc').Usage} Usage
 * @typedef {import('../../src-tauri/contract/ipc').RateLimit} RateLimit
 * @typedef {import('../../src-tauri/contract/ipc').ErrorKind} ErrorKind
 * @typedef {import('../../src-tauri/contract/ipc').Folder} Folder
 * @typedef {import('../../src-tauri/contract/ipc').Role} Role
 * @typedef {import('../../src-tauri/contract/ipc').Effort} ReasoningEffort
 * @typedef {import('../../src-tauri/contract/ipc').PartKind} EstimatePartKind
 * @typedef {import('../../src-tauri/contract/ipc').Part} EstimatePart
 * @typedef {import('../../src-tauri/contract/ipc').Ask} EstimateArgs   the question about to be sent, as chat_send would get it
 * @typedef {import('../../src-tauri/contract/ipc').ChatSendArgs} ChatArgs   one question (or a new answer to one); the backend sends the earlier turns of the branch itself
 * @typedef {import('../../src-tauri/contract/ipc').Receipt} SendReceipt   what chat_send resolves with once the request is saved and started
 * @typedef {import('../../src-tauri/contract/ipc').ErrorPayload} IpcError   what a rejected invoke and an `error` event carry; `message` is already a sentence
 * @typedef {import('../../src-tauri/contract/ipc').StreamEvent} ChatEvent   one event of a streaming answer; unknown events may arrive and are ignored
 * @typedef {import('../../src-tauri/contract/ipc').RunInfo} RunInfo   one background research run going now
 * @typedef {import('../../src-tauri/contract/ipc').RunPhase} RunPhase
 * @typedef {import('../../src-tauri/contract/ipc').RunOutcome} RunOutcome
 * @typedef {import('../../src-tauri/contract/ipc').ResearchEvent} ResearchEvent   what the window hears about background runs
 */

function core() {
  const tauri = /** @type {any} */ (window).__TAURI__;
  if (!tauri || !tauri.core) {
    throw toIpcError(new Error('The Citewise backend is not available in this window.'));
  }
  return tauri.core;
}

/**
 * Normalise whatever a rejected invoke gives us into `{kind, message}`.
 * @param {unknown} err
 * @returns {IpcError}
 */
export function toIpcError(err) {
  if (err && typeof err === 'object' && 'kind' in err && 'message' in err) {
    return /** @type {IpcError} */ (err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return { kind: 'unknown', message: message || 'Something went wrong.', retryAfter: null };
}

/**
 * Invokes a backend command; each wrapper below states what it resolves with.
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<any>}
 */
async function call(command, args) {
  try {
    return await core().invoke(command, args);
  } catch (err) {
    throw toIpcError(err);
  }
}

/** @returns {Promise<AppStatus>} */
export function appStatus() {
  return call('app_status');
}

/** @returns {Promise<Settings>} */
export function settingsGet() {
  return call('settings_get');
}

/**
 * Store new settings (the whole object). Rejects with kind "settings" and a sentence saying what
 * to fix when a value is not valid.
 * @param {Settings} settings
 * @returns {Promise<Settings>} what was stored
 */
export function settingsUpdate(settings) {
  return call('settings_update', { settings });
}

/**
 * Presets and models of the selected provider: live, cached, or the built-in list.
 * @returns {Promise<ModelList>}
 */
export function modelsList() {
  return call('models_list');
}

/**
 * Leave the retired Sonar API: provider, default model and every conversation's Sonar model move
 * to their Agent API equivalents.
 * @returns {Promise<Switched>}
 */
export function sonarMigrate() {
  return call('sonar_migrate');
}

/**
 * The price table shipped with this version (the person's overrides live in Settings).
 * @returns {Promise<PriceTable>}
 */
export function pricesGet() {
  return call('prices_get');
}

/**
 * What sending this question would cost; cheap enough to call as the person types (debounced).
 * @param {EstimateArgs} args
 * @returns {Promise<Estimate>}
 */
export function costEstimate(args) {
  return call('cost_estimate', { args });
}

/**
 * Spending today, this month and in one conversation. The window says where its local day and
 * month begin (unix ms), so totals follow the person's time zone. Answers stay counted after
 * their conversation is deleted; imported answers are not counted (not spent here).
 * @param {{dayStart: number, monthStart: number, conversationId: string | null}} args
 * @returns {Promise<SpendSummary>}
 */
export function spendSummary(args) {
  return call('spend_summary', { args });
}

/**
 * Spending by day and by model: `bounds` are ascending unix ms, day starts plus the end.
 * @param {number[]} bounds  2 to 367 entries
 * @returns {Promise<SpendReport>}
 */
export function spendReport(bounds) {
  return call('spend_report', { bounds });
}

/**
 * Remember a conversation's model and options before its next question (picked in the header).
 * @param {string} id
 * @param {string} model
 * @param {RequestOptions} options
 * @returns {Promise<void>}
 */
export function conversationConfigure(id, model, options) {
  return call('conversation_configure', { id, model, options });
}

/**
 * @param {string} requestId
 * @returns {Promise<boolean>} whether a request with that id was still running
 */
export function chatCancel(requestId) {
  return call('chat_cancel', { requestId });
}

/**
 * Every provider and account the backend knows (see providers.js).
 * @returns {Promise<Registry>}
 */
export function providersGet() {
  return call('providers_get');
}

/**
 * @param {Account} account
 * @returns {Promise<KeyStatus>}
 */
export function keyStatus(account) {
  return call('key_status', { account });
}

/**
 * Hand a pasted key to the backend, once. It never comes back: callers clear their field and
 * keep nothing. Rejects with kind "bad_key", "keyring_unavailable" or "keyring".
 * @param {Account} account
 * @param {string} key
 * @param {boolean} sessionOnly  keep it in memory for this session instead of the keyring
 * @returns {Promise<KeyStatus>}
 */
export function keySave(account, key, sessionOnly) {
  return call('key_save', { account, key, sessionOnly });
}

/**
 * Forget the stored and the session key (a key from the environment stays in use).
 * @param {Account} account
 * @returns {Promise<KeyStatus>}
 */
export function keyRemove(account) {
  return call('key_remove', { account });
}

/**
 * A cheap authenticated call with the key in use. Rejects with the reason ("auth", "network",
 * "rate_limit", "no_key", …).
 * @param {Account} account
 * @returns {Promise<KeyTest>}
 */
export function keyTest(account) {
  return call('key_test', { account });
}

/**
 * Asks the person, in a native dialog the page cannot click, whether the key may be sent to the
 * address now in Settings (it is bound to the one it was saved for). Resolves when they answered.
 * @param {Account} account
 * @returns {Promise<boolean>}  true when the key moved to the new address
 */
export function keyConfirmAddress(account) {
  return call('key_confirm_address', { account });
}

/**
 * Open an http(s) URL in the system browser (never in the webview).
 * @param {string} url
 * @returns {Promise<void>}
 */
export async function openUrl(url) {
  try {
    await call('open_url', { url });
  } catch (err) {
    console.warn('open_url failed:', err);
  }
}

/**
 * Fetch image `index` of answer `messageId` through the backend, from the URL the answer came
 * with (the page never names a URL): public http(s) addresses only, at most 5 MB,
 * PNG/JPEG/GIF/WebP only.
 * @param {string} messageId   the answer's id (SendReceipt.assistantMessageId, StoredMessage.id)
 * @param {number} index       the image's place in the answer's `images` list
 * @returns {Promise<ImageData>} rejects with an IpcError: kind "image_unavailable" (refused,
 *   unreachable or too slow, all alike), "not_image", "too_large", "image_status", or
 *   "not_found" (no such answer or image)
 */
export function imageFetch(messageId, index) {
  return call('image_fetch', { messageId, index });
}

/**
 * Start a streamed chat request (see ChatArgs). Resolves once the backend has saved the question
 * and started the request; the answer arrives through `onEvent`, in order, on a channel scoped to
 * this request, and is saved as it arrives.
 * @param {ChatArgs} args
 * @param {(event: ChatEvent) => void} onEvent
 * @returns {Promise<SendReceipt>} rejects with an IpcError (e.g. kind "no_key": nothing was saved)
 */
export async function chatSend(args, onEvent) {
  const channel = new (core().Channel)();
  channel.onmessage = onEvent;
  return call('chat_send', { args, onEvent: channel });
}

/**
 * Watch the background research runs: every change (a run starting, moving on or ending, and
 * a click on the notification of one) arrives through `onEvent`, on one channel for the whole
 * window; asking again replaces the channel. Resolves with the runs going now.
 * @param {(event: ResearchEvent) => void} onEvent
 * @returns {Promise<RunInfo[]>}
 */
export async function researchWatch(onEvent) {
  const channel = new (core().Channel)();
  channel.onmessage = onEvent;
  return call('research_watch', { onEvent: channel });
}

/**
 * Cancel the background run of answer `answerId` on the server; the answer then ends as
 * cancelled on its own channel (and in `researchWatch`'s list).
 * @param {string} answerId
 * @returns {Promise<boolean>} whether that run was going
 */
export function researchCancel(answerId) {
  return call('research_cancel', { answerId });
}

/**
 * One page of the sidebar.
 * @param {string | null} cursor  null for the first page
 * @param {number} limit          at most 500
 * @returns {Promise<ConversationPage>}
 */
export function conversationsList(cursor, limit) {
  return call('conversations_list', { cursor, limit });
}

/**
 * A conversation with its shown branch. With `focusMessageId` (a search hit), the branch that
 * holds that message is shown. Rejects with kind "not_found" when it is gone.
 * @param {string} id
 * @param {string | null} [focusMessageId]
 * @returns {Promise<Conversation>}
 */
export function conversationOpen(id, focusMessageId = null) {
  return call('conversation_open', { id, focusMessageId });
}

/**
 * Show another version of a message (a sibling id from its `versions`): the branch through it,
 * down to its newest answer. Remembered for the next open.
 * @param {string} id  the conversation
 * @param {string} messageId
 * @returns {Promise<Conversation>}
 */
export function conversationSelectVersion(id, messageId) {
  return call('conversation_select_version', { id, messageId });
}

/**
 * @param {string} id
 * @param {string} title  trimmed; empty is refused with kind "bad_request"
 * @returns {Promise<ConversationSummary>}
 */
export function conversationRename(id, title) {
  return call('conversation_rename', { id, title });
}

/**
 * @param {string} id
 * @param {boolean} pinned
 * @returns {Promise<ConversationSummary>}
 */
export function conversationPin(id, pinned) {
  return call('conversation_pin', { id, pinned });
}

/**
 * Delete a conversation. It can be brought back with conversationRestore until the app quits.
 * @param {string} id
 * @returns {Promise<void>}
 */
export function conversationDelete(id) {
  return call('conversation_delete', { id });
}

/**
 * Undo a delete.
 * @param {string} id
 * @returns {Promise<ConversationSummary>}
 */
export function conversationRestore(id) {
  return call('conversation_restore', { id });
}

/**
 * Full-text search over all questions, answers and titles.
 * @param {string} query  plain words as typed; the last word matches as a prefix
 * @param {number} limit  at most 200
 * @returns {Promise<SearchHit[]>}
 */
export function historySearch(query, limit) {
  return call('history_search', { query, limit });
}

/**
 * Write conversations to a file in the export folder.
 * @param {string[] | null} ids  null: every conversation
 * @param {ExportFormat} format
 * @returns {Promise<ExportResult>}
 */
export function historyExport(ids, format) {
  return call('history_export', { ids, format });
}

/**
 * Import a JSON export (its text, as read from the chosen file). All or nothing: a bad file is
 * rejected with kind "import" and a sentence saying what is wrong, and nothing is imported.
 * @param {string} text
 * @returns {Promise<ImportReport>}
 */
export function historyImport(text) {
  return call('history_import', { text });
}

/**
 * Open the export folder in the system file manager.
 * @returns {Promise<void>}
 */
export function exportFolderOpen() {
  return call('export_folder_open');
}

/**
 * Open one of Citewise's folders (data or logs) in the system file manager.
 * @param {"data" | "logs"} folder
 * @returns {Promise<void>}
 */
export function folderOpen(folder) {
  return call('folder_open', { folder });
}
