// The only module that touches `window.__TAURI__`. Every backend command the window uses is
// wrapped here, so the IPC surface is greppable and the harness can fake it in one place.

/**
 * @typedef {"agent" | "sonar" | "openai"} Provider
 * @typedef {"keyring" | "session" | "env" | "none"} KeySource
 * @typedef {"perplexity" | "openai"} Account   whose key: Agent API and Sonar share "perplexity"
 *
 * @typedef {object} KeyStatus   where a key is, never the key itself
 * @property {Account} account
 * @property {boolean} present
 * @property {KeySource} source
 * @property {string | null} last4
 * @property {string | null} [origin]    the address it may be sent to, e.g. "https://api.perplexity.ai"
 * @property {string} keyring            e.g. "the system keyring (Secret Service)"
 * @property {boolean} keyringAvailable
 * @property {string | null} keyringProblem  what to install or unlock when it is not available
 *
 * @typedef {object} KeyTest
 * @property {true} ok
 * @property {number} models   how many models the key can see
 *
 * @typedef {object} AppStatus
 * @property {string} version
 * @property {Provider} provider
 * @property {string} baseUrl
 * @property {string} defaultModel
 * @property {KeySource} keySource     for the selected provider's key
 * @property {string | null} keyLast4
 * @property {string} dataDir
 * @property {string} logDir           where the log files are
 * @property {string[]} notices        one-time messages for the person; each is returned once
 * @property {boolean} sonarRetirement  the saved provider is the retired Sonar API: offer the switch
 *   to the Agent API (true once; the backend remembers it was offered)
 *
 * @typedef {"hour" | "day" | "week" | "month" | "year"} Recency
 * @typedef {"low" | "medium" | "high"} ContextSize
 * @typedef {"minimal" | "low" | "medium" | "high"} ReasoningEffort
 *
 * @typedef {object} SearchOptions
 * @property {boolean} enabled
 * @property {string[]} domains          at most 20; a leading "-" excludes the domain
 * @property {Recency | null} recency
 * @property {string | null} afterDate   MM/DD/YYYY
 * @property {string | null} beforeDate  MM/DD/YYYY
 * @property {ContextSize | null} contextSize
 * @property {object | null} userLocation
 *
 * @typedef {object} RequestOptions     per request; also the shape of Settings.requestDefaults
 * @property {string | null} systemPrompt
 * @property {number | null} maxTokens
 * @property {number | null} temperature
 * @property {number | null} topP
 * @property {ReasoningEffort | null} reasoningEffort
 * @property {SearchOptions} search
 * @property {boolean} relatedQuestions  Sonar only
 * @property {boolean} images            Sonar only
 *
 * @typedef {object} Settings   what settings_get returns; settings_update takes the whole object back
 * @property {Provider} provider
 * @property {Record<Account, string>} addresses     each account's API address
 * @property {Record<Provider, string>} defaultModels  the model new conversations start with
 * @property {RequestOptions} requestDefaults
 * @property {ModelPrice[]} priceOverrides  the person's rows; each replaces the shipped row of the
 *   same `model`, or adds a model (an OpenAI-compatible one, say). Source "Your price" by convention.
 * @property {number | null} monthlyBudget   USD per calendar month; null: no budget
 * @property {Theme} theme
 * @property {boolean} sonarRetirementOffered  the start-up offer to leave Sonar was made
 *
 * @typedef {"system" | "light" | "dark"} Theme
 *
 * @typedef {object} ProviderSpec   one provider, as the registry describes it (providers_get)
 * @property {Provider} id
 * @property {string} label            "Perplexity Agent API"
 * @property {string} hint             one line under the label
 * @property {string} shortLabel       beside a price: "Agent API"
 * @property {Account} account         whose key it uses
 * @property {string[]} builtinModels  known when this version was released
 * @property {string[]} presets        names the server resolves (the Agent API's)
 * @property {string} defaultModel
 * @property {string} modelPattern     ids it could serve beyond its list (a RegExp source)
 * @property {boolean} typedModels     any id the endpoint serves may be typed
 * @property {boolean} groupByVendor   the picker groups its models by vendor
 * @property {string} modelsHeading    otherwise, the one group's heading
 * @property {boolean} searches        offers web search options
 * @property {string} noSearchNote     why not, when it does not
 * @property {boolean} extras          images and related questions on request
 *
 * @typedef {object} AccountSpec    one key and the address it is sent to
 * @property {Account} id
 * @property {string} label
 * @property {string} envKey           the variable holding a session-only key
 * @property {string} envAddress       the variable naming the address an environment key may go to
 * @property {string} addressLabel
 * @property {string} addressHint
 * @property {string} addressPlaceholder
 * @property {string} defaultAddress
 * @property {string} keyName          "Perplexity API key"
 * @property {string} keyPlaceholder   "pplx-…"
 * @property {string} keyPrefix        how its keys start, when they all do ("" otherwise)
 * @property {string} keyIntro         above the key field in Settings
 * @property {string} keyHint          under the provider choice
 * @property {string} welcomeTitle
 * @property {string} welcomeIntro
 * @property {boolean} welcomeSteps    the steps to get a Perplexity key follow
 *
 * @typedef {object} Registry
 * @property {ProviderSpec[]} providers
 * @property {AccountSpec[]} accounts
 *
 * @typedef {object} Switched   what "Switch to the Agent API" did (sonar_migrate)
 * @property {Settings} settings        as stored now: provider "agent", the default model mapped
 * @property {number} conversations     conversations whose Sonar model was replaced
 * @property {Record<string, string>} models  each Sonar model and what it became
 *
 * @typedef {object} ContextFees   request fee per 1,000 requests, by search context size
 * @property {number} low
 * @property {number} medium
 * @property {number} high
 *
 * @typedef {object} ModelPrice    one row of the price table (USD)
 * @property {string} model
 * @property {Provider} provider
 * @property {number} inputPerMillion
 * @property {number} outputPerMillion
 * @property {ContextFees} [requestFeePerThousand]  Sonar: the per-request search fee
 * @property {number} [citationPerMillion]    sonar-deep-research
 * @property {number} [reasoningPerMillion]   sonar-deep-research
 * @property {number} [searchPerThousand]     sonar-deep-research
 * @property {number} [cacheReadPerMillion]
 * @property {number} [cacheWritePerMillion]
 * @property {string} source      where the price was read (a URL, "Perplexity /v1/models", or "Your price")
 * @property {string} asOf        YYYY-MM-DD
 *
 * @typedef {object} ToolPrices    Agent API tool fees, per call
 * @property {number} webSearchPerCall
 * @property {number} fastSearchPerCall
 * @property {number} fetchUrlPerCall
 * @property {string} source
 * @property {string} asOf
 *
 * @typedef {object} PresetAssumption   what an Agent API preset is estimated as (presets pick
 *   their model on the server, so the estimate is a range)
 * @property {string} preset
 * @property {string[]} models      cheapest first; the typical figure uses the first, "up to" the costliest
 * @property {string} description
 *
 * @typedef {object} CatalogueInfo   the live catalogue whose prices are in the table
 * @property {string} source       "Perplexity /v1/models"
 * @property {number} fetchedAt    unix ms
 * @property {string} baseUrl
 * @property {number} priced       models it priced
 *
 * @typedef {object} PriceTable    the shipped table with the live catalogue laid over it (prices_get)
 * @property {string} currency     "USD"
 * @property {ModelPrice[]} models
 * @property {ToolPrices} tools
 * @property {PresetAssumption[]} presets
 * @property {CatalogueInfo} [catalogue]  absent until /v1/models was read once
 *
 * @typedef {"input" | "searchResults" | "citations" | "output" | "reasoning" | "requestFee" | "searches"} EstimatePartKind
 *
 * @typedef {object} EstimatePart   one line of the estimate's breakdown
 * @property {EstimatePartKind} kind
 * @property {number} typicalUnits  tokens, requests or searches in a typical answer
 * @property {number} maxUnits      … at most (max output, most searches)
 * @property {"tokens" | "requests" | "searches"} unit
 * @property {number} typical       USD
 * @property {number} max           USD
 * @property {string} note          how the units were arrived at, one short phrase
 *
 * @typedef {object} Estimate       what the next question will cost (cost_estimate)
 * @property {string} model
 * @property {boolean} known        false: no price for this model ("unknown price", never $0)
 * @property {string} currency
 * @property {number} inputTokens   estimated tokens of everything sent: system prompt, the earlier
 *   turns that fit the context budget, the question
 * @property {number} earlierMessages  earlier messages sent along
 * @property {number | null} typical   USD; null when `known` is false
 * @property {number | null} max       USD at the longest answer and most searches; null when unknown
 * @property {EstimatePart[]} parts    empty when unknown
 * @property {string[]} basis          the rows used: "sonar: docs.perplexity.ai/… (2026-09-01)"
 * @property {PresetAssumption | null} preset
 * @property {Learned | null} learned  the person's own recent answers with this model or preset
 *
 * @typedef {object} Learned   what recent answers really cost (the typical figure is their median)
 * @property {number} answers
 * @property {number} median
 * @property {number} low
 * @property {number} high
 *
 * @typedef {object} EstimateArgs   the question about to be sent, as chat_send would get it
 * @property {string} model
 * @property {RequestOptions} [options]
 * @property {string | null} conversationId
 * @property {string | null} [parentId]
 * @property {string} [question]
 * @property {string} [regenerate]
 *
 * @typedef {object} SpendTotal
 * @property {number} total      USD
 * @property {number} answers    answers with a cost
 * @property {number} computed   of those, how many were computed from the price table
 *
 * @typedef {object} SpendSummary   (spend_summary)
 * @property {SpendTotal} today
 * @property {SpendTotal} month
 * @property {SpendTotal | null} conversation   every answer of it, all versions; null without an id
 *
 * @typedef {object} SpendByModel
 * @property {string} model
 * @property {number} total
 * @property {number} answers
 *
 * @typedef {object} SpendReport    (spend_report) spending between bounds[0] and bounds[n]
 * @property {SpendTotal[]} days    one per [bounds[i], bounds[i+1])
 * @property {SpendByModel[]} models   costliest first
 * @property {SpendTotal} total
 *
 * @typedef {object} ModelList  the selected provider's models
 * @property {string[]} presets           Agent API presets; empty for other providers
 * @property {string[]} models
 * @property {CatalogueModel[]} [details] each model's vendor and, from Perplexity, its prices
 *
 * @typedef {object} CatalogueModel
 * @property {string} id
 * @property {string} vendor      "anthropic", "openai"…; "" when unknown
 * @property {{input: number, output: number, cacheRead?: number, cacheWrite?: number}} [pricing]  USD per 1M tokens
 * @property {"live" | "cached" | "builtin"} source
 * @property {IpcError | null} error      why the built-in list is shown, if it is
 *
 * @typedef {object} ChatMessage
 * @property {"user" | "assistant"} role
 * @property {string} content
 *
 * @typedef {object} ChatArgs   one question (or a new answer to one), saved in history as it streams
 * @property {string} requestId  generated by the UI (crypto.randomUUID())
 * @property {string} model
 * @property {RequestOptions} [options]  the settings' requestDefaults when omitted by the UI
 * @property {string | null} conversationId  null: a new conversation (titled from the question)
 * @property {string | null} [parentId]  ask: the message the question follows (the last message
 *   of the shown branch; for Edit & resend the edited question's parentId); null: the first question
 * @property {string} [question]   ask: the question's text
 * @property {string} [regenerate] instead of asking: the id of a user message to answer again
 *   (Regenerate, Retry); the new answer becomes a sibling version of the old one. Failed answers
 *   without any text are replaced instead of kept as versions.
 * The backend sends the earlier turns of the branch itself, trimmed to a token budget.
 *
 * @typedef {object} Versions   a message's place among its siblings: the edits of one question,
 *   or the answers to one question
 * @property {number} index      0-based position of this message in `siblings`
 * @property {number} count
 * @property {string[]} siblings message ids, oldest first
 *
 * @typedef {object} SendReceipt   what chat_send resolves with once the request is saved and started
 * @property {ConversationSummary} conversation  created or updated (new updatedAt, maybe a new title)
 * @property {string} userMessageId
 * @property {string} assistantMessageId
 * @property {Versions} userVersions
 * @property {Versions} answerVersions
 *
 * @typedef {object} ConversationSummary   one row of the sidebar
 * @property {string} id
 * @property {string} title
 * @property {boolean} pinned
 * @property {number} createdAt   unix milliseconds
 * @property {number} updatedAt   unix milliseconds of the last question or answer
 * @property {string} model       the model of the last question
 *
 * @typedef {object} ConversationPage
 * @property {ConversationSummary[]} items   pinned first (newest first), then the rest newest first
 * @property {string | null} nextCursor      pass back for the next page; null after the last
 *
 * @typedef {"streaming" | "complete" | "interrupted" | "error"} MessageStatus
 *   "streaming" only while this session is receiving it; an answer cut off by a crash or a quit
 *   comes back as "interrupted"; Stop also leaves "interrupted" (with finish "cancelled")
 *
 * @typedef {object} StoredMessage   one message of the shown branch
 * @property {string} id
 * @property {string | null} parentId
 * @property {"user" | "assistant"} role
 * @property {string} content
 * @property {string} reasoning      "" when none
 * @property {Source[]} sources
 * @property {Image[]} images
 * @property {string[]} related
 * @property {string[]} queries      the searches made for this answer
 * @property {Usage | null} usage
 * @property {string | null} model   assistant: the model asked
 * @property {MessageStatus} status  user messages are always "complete"
 * @property {IpcError | null} error status "error": why
 * @property {"stop" | "length" | "cancelled" | null} finish
 * @property {number} createdAt
 * @property {number} updatedAt
 * @property {Versions} versions
 *
 * @typedef {ConversationSummary & {options: RequestOptions | null, messages: StoredMessage[]}} Conversation
 *   `messages`: the shown branch, oldest first; `options`: those of the last question
 *
 * @typedef {object} SnippetPart
 * @property {string} text
 * @property {boolean} hit   true for the words that matched (shown highlighted)
 *
 * @typedef {object} SearchHit   one search result, best first
 * @property {string} conversationId
 * @property {string | null} messageId  null when the conversation's title matched
 * @property {"user" | "assistant" | null} role
 * @property {string} title       the conversation's title
 * @property {SnippetPart[]} snippet  plain text parts around the match; never HTML
 * @property {number} updatedAt
 *
 * @typedef {"markdown" | "json"} ExportFormat
 *
 * @typedef {object} ExportResult
 * @property {string} path           the file written (in the export folder, Downloads by default)
 * @property {number} conversations
 * @property {number} messages
 *
 * @typedef {object} ImportReport
 * @property {number} conversations  imported
 * @property {number} messages       imported
 * @property {string[]} skipped      titles of conversations already in history (same id)
 *
 * @typedef {object} Image
 * @property {string} url
 * @property {string | null} [originUrl]
 * @property {number | null} [width]
 * @property {number | null} [height]
 *
 * @typedef {object} ImageData   an answer image fetched by the backend (image_fetch(messageId, index))
 * @property {string} dataUrl     "data:image/png;base64,…": the webview never loads a remote image
 * @property {"image/png" | "image/jpeg" | "image/gif" | "image/webp"} mime
 * @property {number | null} width   from the image's header, when it says
 * @property {number | null} height
 *
 * @typedef {object} Source
 * @property {number} index       the n of `[n]` in the answer
 * @property {string} url
 * @property {string | null} [title]
 * @property {string | null} [snippet]
 * @property {string | null} [date]
 * @property {string | null} [domain]
 *
 * @typedef {object} Cost
 * @property {number} total
 * @property {string} currency
 * @property {number | null} inputCost
 * @property {number | null} outputCost
 * @property {number | null} requestCost
 * @property {number | null} [cacheReadCost]      reading the prompt cache (Agent API)
 * @property {number | null} [cacheCreationCost]  writing it
 * @property {boolean} computed   true when computed from the price table, not reported by the API
 *
 * @typedef {object} Usage
 * @property {number} inputTokens
 * @property {number} outputTokens
 * @property {number} totalTokens
 * @property {number | null} reasoningTokens
 * @property {number | null} searches
 * @property {number | null} [cacheReadTokens]      input tokens served from the prompt cache
 * @property {number | null} [cacheCreationTokens]  input tokens written to it
 * @property {string | null} [model]   the model that really answered (a preset resolves to one)
 * @property {Cost | null} cost
 *
 * @typedef {object} RateLimit   the x-ratelimit-* headers of a request
 * @property {number | null} limit
 * @property {number} remaining
 * @property {number | null} resetSeconds
 *
 * @typedef {"auth" | "retired" | "forbidden" | "no_key" | "key_elsewhere" | "rate_limit" | "network" | "timeout" | "bad_request" | "server"
 *   | "interrupted" | "protocol" | "tls" | "redirect" | "too_large" | "bad_url" | string} ErrorKind
 *
 * @typedef {object} IpcError   what a rejected invoke and an `error` event carry
 * @property {ErrorKind} kind
 * @property {string} message    already a human sentence
 * @property {number | null} [retryAfter]  seconds
 *
 * @typedef {{event: "delta", data: {text: string}}
 *   | {event: "reasoning", data: {text: string}}
 *   | {event: "searching", data: {queries: string[]}}
 *   | {event: "sources", data: {sources: Source[]}}
 *   | {event: "usage", data: Usage}
 *   | {event: "retrying", data: {attempt: number, waitSeconds: number, reason: string}}
 *   | {event: "reading", data: {urls: string[]}}
 *   | {event: "rateLimit", data: RateLimit}
 *   | {event: "done", data: {finish: "stop" | "length" | "cancelled"}}
 *   | {event: "images", data: {images: Image[]}}
 *   | {event: "related", data: {questions: string[]}}
 *   | {event: "saving", data: {ok: boolean, retrying: boolean, message: string | null}}   the history could not be written (ok: false; retried while retrying), or could again
 *   | {event: "error", data: IpcError}} ChatEvent   unknown events may arrive and are ignored
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
