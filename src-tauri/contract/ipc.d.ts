// Generated from the Rust types by src-tauri/ipc_types.rs (ts-rs); do not edit.
// After changing a type: CITEWISE_BLESS=1 cargo test --lib ipc_types

/**
 * Whose key: one keyring entry each, bound to one address.
 */
export type Account = "perplexity" | "openai";

/**
 * One account: its key and the address the key is sent to.
 */
export type AccountSpec = { id: Account, 
/**
 * "Perplexity API key" and the like are built from it.
 */
label: string, 
/**
 * The environment variable holding a session-only key.
 */
envKey: string, 
/**
 * The environment variable naming the address an environment key may be sent to.
 */
envAddress: string, addressLabel: string, addressHint: string, addressPlaceholder: string, defaultAddress: string, 
/**
 * The key, as a question about sending it elsewhere names it.
 */
keyName: string, 
/**
 * What a key of this account looks like, for the key field's placeholder.
 */
keyPlaceholder: string, 
/**
 * How its keys start, when they all do: a key that does not gets a gentle warning.
 */
keyPrefix: string, 
/**
 * Above the key field in Settings.
 */
keyIntro: string, 
/**
 * Under the provider choice: where this provider's key comes from.
 */
keyHint: string, 
/**
 * The welcome screen while there is no key: its title and first paragraph, and whether the
 * steps to get a Perplexity key follow.
 */
welcomeTitle: string, welcomeIntro: string, welcomeSteps: boolean, };

export type AppStatus = { version: string, provider: Provider, baseUrl: string, defaultModel: string, keySource: KeySource, 
/**
 * Enough for a person to recognise the key; the key itself never reaches the webview.
 */
keyLast4: string | null, dataDir: string, logDir: string, 
/**
 * One-time messages for the person (each is returned once).
 */
notices: Array<string>, 
/**
 * The saved provider is the retired Sonar API: offer the switch to the Agent API (true once).
 */
sonarRetirement: boolean, };

/**
 * A question, or a new answer to one, as the window describes it: what `chat_send` sends and
 * `cost_estimate` prices.
 */
export type Ask = { model: string, options?: RequestOptions, conversationId?: string | null, parentId?: string | null, question?: string | null, 
/**
 * A question's id to answer again, instead of asking `question`.
 */
regenerate?: string | null, };

/**
 * Not prices: the typical and the longest answer, for estimates. Unset fields take the default's.
 */
export type Assumption = { output?: [number, number] | null, searches?: [number, number] | null, 
/**
 * Tokens of search results an Agent API model reads per search (billed as input).
 */
searchResultTokens?: number | null, citationTokens?: [number, number] | null, reasoningTokens?: [number, number] | null, };

export type Assumptions = { note: string, default: Assumption, models: { [key in string]: Assumption }, };

/**
 * What the window shows of the catalogue in use: "Perplexity /v1/models, fetched <date>".
 */
export type CatalogueInfo = { source: string, fetchedAt: number, baseUrl: string, 
/**
 * Models it priced.
 */
priced: number, };

/**
 * One model of `GET /v1/models`, with its prices when the endpoint gives them.
 */
export type CatalogueModel = { id: string, 
/**
 * `owned_by`, or the id's prefix before `/`: `anthropic`, `openai`, `perplexity`…
 */
vendor: string, pricing?: Pricing | null, };

export type ChatSendArgs = { requestId: string, model: string, options?: RequestOptions, conversationId?: string | null, parentId?: string | null, question?: string | null, 
/**
 * A question's id to answer again, instead of asking `question`.
 */
regenerate?: string | null, };

/**
 * Request fees per 1,000 requests, by search context size.
 */
export type ContextFees = { low: number, medium: number, high: number, };

export type ContextSize = "low" | "medium" | "high";

/**
 * A conversation with the branch it shows, oldest message first.
 */
export type Conversation = { options: RequestOptions | null, messages: Array<StoredMessage>, id: string, title: string, pinned: boolean, createdAt: number, updatedAt: number, model: string, };

export type ConversationPage = { items: Array<ConversationSummary>, 
/**
 * Opaque; `None` after the last page.
 */
nextCursor: string | null, };

/**
 * One row of the sidebar.
 */
export type ConversationSummary = { id: string, title: string, pinned: boolean, createdAt: number, updatedAt: number, model: string, };

export type Cost = { total: number, currency: string, inputCost: number | null, outputCost: number | null, 
/**
 * Per-request search fees (Sonar) or tool-call costs (Agent API).
 */
requestCost: number | null, 
/**
 * Agent API: what reading from and writing to the prompt cache cost (part of `input_cost`
 * or beside it, as the API reports them).
 */
cacheReadCost?: number | null, cacheCreationCost?: number | null, 
/**
 * True when Citewise computed the cost from a price table rather than the API reporting it.
 */
computed: boolean, };

export type Effort = "minimal" | "low" | "medium" | "high";

export type ErrorKind = "no_key" | "key_elsewhere" | "auth" | "retired" | "forbidden" | "rate_limit" | "bad_request" | "server" | "network" | "tls" | "redirect" | "timeout" | "interrupted" | "protocol" | "too_large" | "cancelled" | "bad_key" | "keyring_unavailable" | "keyring" | "not_found" | "import" | "history" | "io" | "image_unavailable" | "image_status" | "not_image" | "bad_url" | "browser" | "settings" | "folder" | "unknown";

export type ErrorPayload = { kind: ErrorKind, message: string, retryAfter: number | null, };

export type Estimate = { model: string, known: boolean, currency: string, inputTokens: number, earlierMessages: number, typical: number | null, max: number | null, parts: Array<Part>, 
/**
 * The rows used, with their source and date.
 */
basis: Array<string>, preset: PresetAssumption | null, 
/**
 * The person's own recent answers with this preset or model, when there are enough.
 */
learned: Learned | null, };

export type ExportFormat = "markdown" | "json";

export type ExportResult = { path: string, conversations: number, messages: number, };

/**
 * How an answer ended when it ended normally.
 */
export type Finish = "stop" | "length" | "cancelled";

/**
 * A folder of Citewise's own that a person may want to look into.
 */
export type Folder = "data" | "logs";

/**
 * An image returned with an answer (Sonar `return_images`).
 */
export type Image = { url: string, originUrl: string | null, width: number | null, height: number | null, };

/**
 * What the UI gets: a `data:` URL it can put in an `<img>` without loading anything remote.
 */
export type ImageData = { dataUrl: string, mime: string, width: number | null, height: number | null, };

export type ImportReport = { conversations: number, messages: number, 
/**
 * Titles of the conversations that were already in history.
 */
skipped: Array<string>, };

/**
 * Where the key in use came from; shown in Settings, never the key itself.
 */
export type KeySource = "keyring" | "session" | "env" | "none";

/**
 * What Settings shows about a key: never the key, only where it is and how it ends.
 */
export type KeyStatus = { account: Account, present: boolean, source: KeySource, last4: string | null, 
/**
 * The address (`scheme://host:port`) the key may be sent to.
 */
origin: string | null, 
/**
 * The keyring's name, e.g. "the system keyring (Secret Service)".
 */
keyring: string, keyringAvailable: boolean, 
/**
 * What to install or unlock when the keyring cannot be used.
 */
keyringProblem: string | null, };

export type KeyTest = { ok: boolean, 
/**
 * Models the key can see, as a sign of life.
 */
models: number, };

/**
 * What recent answers with the same preset or model really cost (the API's own figures).
 */
export type Learned = { answers: number, median: number, low: number, high: number, };

export type ListSource = "live" | "cached" | "builtin";

export type MessageStatus = "streaming" | "complete" | "interrupted" | "error";

export type ModelList = { 
/**
 * Agent API presets (empty for other providers).
 */
presets: Array<string>, models: Array<string>, 
/**
 * Each model's vendor and prices, when the endpoint lists them (Perplexity does).
 */
details: Array<CatalogueModel>, source: ListSource, 
/**
 * Why the built-in list is shown, if it is.
 */
error: ErrorPayload | null, };

/**
 * One model's prices (USD).
 */
export type ModelPrice = { model: string, provider: Provider, inputPerMillion: number, outputPerMillion: number, requestFeePerThousand?: ContextFees | null, citationPerMillion?: number | null, reasoningPerMillion?: number | null, searchPerThousand?: number | null, cacheReadPerMillion?: number | null, cacheWritePerMillion?: number | null, 
/**
 * Where the price was read (a URL, or "Your price").
 */
source: string, 
/**
 * When it was read, `YYYY-MM-DD`.
 */
asOf: string, };

/**
 * One line of the breakdown.
 */
export type Part = { kind: PartKind, typicalUnits: number, maxUnits: number, unit: Unit, typical: number, max: number, note: string, };

export type PartKind = "input" | "searchResults" | "citations" | "output" | "reasoning" | "requestFee" | "searches";

/**
 * How an Agent API preset is estimated: presets pick their model on the server, so the typical
 * figure uses the first (cheapest) model and "up to" the last (costliest).
 */
export type PresetAssumption = { preset: string, models: Array<string>, 
/**
 * Billed at the fast-search rate.
 */
fastSearch: boolean, searches: [number, number], output: [number, number], 
/**
 * Tokens of search results read per search, when the preset's differ from the default.
 */
searchResultTokens?: number | null, description: string, };

export type PriceTable = { currency: string, models: Array<ModelPrice>, tools: ToolPrices, presets: Array<PresetAssumption>, assumptions: Assumptions, 
/**
 * The live catalogue whose prices are in the table, if one is.
 */
catalogue?: CatalogueInfo | null, };

/**
 * A model's token prices, USD per 1M tokens, as `/v1/models` states them.
 */
export type Pricing = { input: number, output: number, cacheRead?: number | null, cacheWrite?: number | null, };

/**
 * Which provider a request goes to; the registry ([`Provider::spec`]) says everything else.
 */
export type Provider = "agent" | "sonar" | "openai";

/**
 * One provider, as the rest of the app needs it.
 */
export type ProviderSpec = { id: Provider, 
/**
 * What Settings and the welcome screen call it.
 */
label: string, 
/**
 * One line under the label.
 */
hint: string, 
/**
 * In tables, beside a price: "Agent API".
 */
shortLabel: string, account: Account, 
/**
 * Known when this version was released; shown when the endpoint cannot be asked.
 */
builtinModels: Array<string>, 
/**
 * Names the server resolves to a model and tools (the Agent API's presets).
 */
presets: Array<string>, 
/**
 * The model new conversations start with until the person picks another.
 */
defaultModel: string, 
/**
 * The model ids it could serve beyond its list (a regular expression, as JavaScript reads
 * it): a conversation kept with another id falls back to the default model.
 */
modelPattern: string, 
/**
 * Any id the endpoint serves may be typed ("Other model…").
 */
typedModels: boolean, 
/**
 * The model picker groups its models by vendor ("Perplexity", "OpenAI"…); otherwise they
 * are one group under this heading.
 */
groupByVendor: boolean, modelsHeading: string, 
/**
 * Offers search options (domains, recency, context size); otherwise why not.
 */
searches: boolean, noSearchNote: string, 
/**
 * Sends images and related questions when asked (Sonar).
 */
extras: boolean, 
/**
 * Can run an answer in the background (see `runs_path`).
 */
backgroundRuns: boolean, };

/**
 * The `x-ratelimit-*` headers of a response: how many requests the key may still make in the
 * current window, and when it starts over.
 */
export type RateLimit = { limit: number | null, remaining: number, 
/**
 * Seconds until the window starts over, when the server says.
 */
resetSeconds: number | null, };

/**
 * What the UI is told once the answer has started.
 */
export type Receipt = { conversation: ConversationSummary, userMessageId: string, assistantMessageId: string, userVersions: Versions, answerVersions: Versions, };

export type Recency = "hour" | "day" | "week" | "month" | "year";

/**
 * What `providers_get` gives the window: the registry, for its pickers and fields.
 */
export type Registry = { providers: Array<ProviderSpec>, accounts: Array<AccountSpec>, };

/**
 * Everything a person can tune about one request; each provider sends what its format accepts.
 */
export type RequestOptions = { systemPrompt: string | null, maxTokens: number | null, temperature: number | null, topP: number | null, reasoningEffort: Effort | null, search: SearchOptions, 
/**
 * Sonar only: ask for follow-up question suggestions.
 */
relatedQuestions: boolean, 
/**
 * Sonar only: ask for images.
 */
images: boolean, 
/**
 * Agent API only: run as a background response followed by its id (deep presets always are).
 */
background: boolean, };

/**
 * What the window hears about background runs, on the channel it gave `research_watch`.
 */
export type ResearchEvent = { "event": "runs", "data": { runs: Array<RunInfo>, } } | { "event": "finished", "data": { answerId: string, conversationId: string, title: string, outcome: RunOutcome, } } | { "event": "open", "data": { conversationId: string, answerId: string, } };

export type Retrying = { attempt: number, waitSeconds: number, reason: ErrorKind, };

export type Role = "system" | "user" | "assistant";

/**
 * One background run, as the window shows it.
 */
export type RunInfo = { answerId: string, conversationId: string, 
/**
 * The conversation's title.
 */
title: string, 
/**
 * The model or preset asked.
 */
model: string, 
/**
 * When the answer began (unix ms): the window counts the time from it.
 */
startedAt: number, phase: RunPhase, 
/**
 * Searches made so far.
 */
searches: number, 
/**
 * Sources found so far.
 */
sources: number, 
/**
 * Characters of answer text so far.
 */
chars: number, };

/**
 * How a run ended.
 */
export type RunOutcome = "completed" | "failed" | "cancelled" | "interrupted";

/**
 * Where following a background run stands.
 */
export type RunPhase = "queued" | "in_progress" | "reconnecting" | "polling" | "cancelling" | "cancel_failed";

/**
 * See [`StreamEvent::Run`].
 */
export type RunStatus = { 
/**
 * The server's response id (`resp_…`), by which the run is followed, resumed and cancelled.
 */
id: string, phase: RunPhase, 
/**
 * Why, when the phase needs one (`cancel_failed`: the cancel request's failure).
 */
message: string | null, };

/**
 * See [`StreamEvent::Saving`].
 */
export type Saving = { ok: boolean, retrying: boolean, 
/**
 * Why the save failed, in the database's words (e.g. "database or disk is full").
 */
message: string | null, };

export type SearchHit = { conversationId: string, 
/**
 * `None` when the title matched.
 */
messageId: string | null, role: Role | null, title: string, snippet: Array<SnippetPart>, updatedAt: number, };

export type SearchOptions = { enabled: boolean, 
/**
 * At most 20 domains; a leading `-` excludes the domain (`-reddit.com`).
 */
domains: Array<string>, recency: Recency | null, 
/**
 * `MM/DD/YYYY`, as the API expects.
 */
afterDate: string | null, beforeDate: string | null, contextSize: ContextSize | null, userLocation: UserLocation | null, };

export type Settings = { provider: Provider, 
/**
 * Each account's API address: the Agent API and Sonar share Perplexity's (one key, bound to
 * one address); the OpenAI-compatible one is the base an OpenAI SDK would take, e.g.
 * `https://api.openai.com/v1` or `http://localhost:11434/v1`.
 */
addresses: { [key in Account]?: string }, 
/**
 * Model for new conversations, per provider.
 */
defaultModels: { [key in Provider]?: string }, 
/**
 * Options new conversations start with.
 */
requestDefaults: RequestOptions, 
/**
 * The person's prices: each replaces the shipped row of its model, or adds a model.
 */
priceOverrides: Array<ModelPrice>, 
/**
 * USD per calendar month; `None`: no budget.
 */
monthlyBudget: number | null, 
/**
 * Light or dark, or whichever the system uses.
 */
theme: Theme, 
/**
 * The offer to leave the retired Sonar API was made once at start-up (it is not repeated).
 */
sonarRetirementOffered: boolean, };

export type SnippetPart = { text: string, hit: boolean, };

/**
 * One web source an answer can cite as `[index]`.
 */
export type Source = { index: number, url: string, title: string, snippet: string, date: string | null, 
/**
 * Host without `www.`, for compact display; empty when the URL has no host.
 */
domain: string, };

export type SpendByModel = { model: string, total: number, answers: number, };

export type SpendReport = { 
/**
 * One per `[bounds[i], bounds[i + 1])`.
 */
days: Array<SpendTotal>, 
/**
 * Costliest first.
 */
models: Array<SpendByModel>, total: SpendTotal, };

export type SpendSummary = { today: SpendTotal, month: SpendTotal, conversation: SpendTotal | null, };

export type SpendTotal = { 
/**
 * USD.
 */
total: number, 
/**
 * Answers with a cost.
 */
answers: number, 
/**
 * Of those, how many were computed from the price table.
 */
computed: number, };

/**
 * Why an answer failed, as the UI showed it.
 */
export type StoredError = { kind: ErrorKind, message: string, retryAfter: number | null, };

export type StoredMessage = { id: string, parentId: string | null, role: Role, content: string, reasoning: string, queries: Array<string>, sources: Array<Source>, images: Array<Image>, related: Array<string>, usage: Usage | null, model: string | null, status: MessageStatus, error: StoredError | null, finish: Finish | null, createdAt: number, updatedAt: number, 
/**
 * Filled for the UI; not part of an export.
 */
versions?: Versions, };

/**
 * What a streaming answer is made of. Serialized as `{event, data}` for the UI's channel.
 */
export type StreamEvent = { "event": "delta", "data": { text: string, } } | { "event": "reasoning", "data": { text: string, } } | { "event": "searching", "data": { queries: Array<string>, } } | { "event": "sources", "data": { sources: Array<Source>, } } | { "event": "images", "data": { images: Array<Image>, } } | { "event": "related", "data": { questions: Array<string>, } } | { "event": "usage", "data": Usage } | { "event": "retrying", "data": Retrying } | { "event": "reading", "data": { urls: Array<string>, } } | { "event": "rateLimit", "data": RateLimit } | { "event": "done", "data": { finish: Finish, } } | { "event": "error", "data": ErrorPayload } | { "event": "saving", "data": Saving } | { "event": "run", "data": RunStatus };

export type SummaryArgs = { 
/**
 * Where the window's local day and month begin, unix ms.
 */
dayStart: number, monthStart: number, conversationId: string | null, };

/**
 * What "Switch to the Agent API" did.
 */
export type Switched = { settings: Settings, 
/**
 * Conversations whose Sonar model was replaced by its Agent API equivalent.
 */
conversations: number, 
/**
 * Each Sonar model and what it became, for the window's own choices.
 */
models: { [key in string]: string }, };

/**
 * The window's colours.
 */
export type Theme = "system" | "light" | "dark";

/**
 * Agent API tool fees, per call.
 */
export type ToolPrices = { webSearchPerCall: number, fastSearchPerCall: number, fetchUrlPerCall: number, source: string, asOf: string, };

export type Unit = "tokens" | "requests" | "searches";

export type Usage = { inputTokens: number, outputTokens: number, totalTokens: number, reasoningTokens: number | null, searches: number | null, 
/**
 * Input tokens served from the prompt cache, and written to it (Agent API).
 */
cacheReadTokens: number | null, cacheCreationTokens: number | null, 
/**
 * The model that really answered, when the API names it: a preset resolves to one on the
 * server (`fast` → `openai/gpt-6-luna` in a recording).
 */
model: string | null, cost: Cost | null, };

/**
 * Approximate location to localise search results; every part optional.
 */
export type UserLocation = { country: string | null, region: string | null, city: string | null, latitude: number | null, longitude: number | null, };

/**
 * A message's place among its siblings: the edits of one question, or the answers to one.
 */
export type Versions = { index: number, count: number, 
/**
 * Ids, oldest first.
 */
siblings: Array<string>, };
