// The cost part of the harness's fake backend (loaded after mock-history.js, before mock-tauri.js):
// `prices_get` (src-tauri/data/prices.json itself, with its preset assumptions),
// `cost_estimate` (typical and "up to" figures with their parts; an unknown model is
// `known: false`, never $0), the spending ledger behind `spend_summary` and `spend_report`
// (every answer chat_send finishes with a cost is recorded), and `conversation_configure`.
//   ?spend=1   seeds deterministic spending over the last 60 days across a few models
// At run time, window.__mockTauri.cost has `spending` (the entries), `seed(days)`, `clear()`,
// `configured` (conversation_configure calls), `table`, and `reportFailure` (an IpcError the next
// spend_report rejects with).
(() => {
  'use strict';

  const DAY = 86400000;
  const clone = (value) => JSON.parse(JSON.stringify(value));
  const fail = (kind, message) => Promise.reject({ kind, message, retryAfter: null });
  /**
   * src-tauri/data/prices.json itself, as prices_get returns it (the app's table, not a copy of
   * it): read synchronously while this script loads, so the mock's commands stay synchronous.
   */
  function shippedTable() {
    const url = new URL('../../src-tauri/data/prices.json', document.currentScript.src);
    const request = new XMLHttpRequest();
    request.open('GET', url, false);
    request.send();
    if (request.status !== 200) throw new Error(`mock-cost.js: ${url} answered ${request.status}`);
    return JSON.parse(request.responseText);
  }
  const TABLE = shippedTable();

  /** What a seeded answer of each model costs, [least, most] USD, and whether the API reported it. */
  const SEED_MODELS = [
    { model: 'fast', range: [0.002, 0.012], weight: 5, computed: false },
    { model: 'sonar-pro', range: [0.01, 0.045], weight: 2, computed: false },
    { model: 'openai/gpt-5.4', range: [0.02, 0.09], weight: 2, computed: false },
    { model: 'high', range: [0.06, 0.24], weight: 1, computed: false },
    { model: 'gpt-4o-mini', range: [0.0004, 0.002], weight: 2, computed: true },
  ];

  function rng(seed) {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  /** @param {URLSearchParams} params @param {{settings: object, history: object}} backend */
  window.__createMockCost = (params, backend) => {
    /** @type {{at: number, model: string, total: number, computed: boolean, conversationId: string | null}[]} */
    const spending = [];
    const configured = [];

    const rows = () => {
      const own = new Map((backend.settings.priceOverrides ?? []).map((row) => [row.model, row]));
      const merged = TABLE.models.map((row) => own.get(row.model) ?? row);
      for (const row of own.values()) if (!TABLE.models.some((r) => r.model === row.model)) merged.push(row);
      return merged;
    };

    const sum = (entries) => ({
      total: entries.reduce((n, e) => n + e.total, 0),
      answers: entries.length,
      computed: entries.filter((e) => e.computed).length,
    });

    /** Spending of the last `days` days (today up to now), the same every run of the same day. */
    const seed = (days = 60) => {
      const rand = rng(20261122);
      const weights = SEED_MODELS.reduce((n, m) => n + m.weight, 0);
      const now = Date.now();
      for (let back = days - 1; back >= 0; back -= 1) {
        const start = new Date();
        start.setHours(0, 0, 0, 0);
        start.setDate(start.getDate() - back);
        const span = back === 0 ? Math.max(1, now - start.getTime()) : DAY * 0.9;
        const answers = Math.floor(rand() * 7) - 1;
        for (let k = 0; k < answers; k += 1) {
          let pick = rand() * weights;
          const kind = SEED_MODELS.find((m) => (pick -= m.weight) < 0) ?? SEED_MODELS[0];
          const [least, most] = kind.range;
          const total = Math.round((least + rand() * (most - least)) * 1e6) / 1e6;
          spending.push({ at: start.getTime() + Math.floor(rand() * span), model: kind.model, total, computed: kind.computed, conversationId: null });
        }
      }
      spending.sort((a, b) => a.at - b.at);
    };

    // ---------- estimates ----------

    const tokensOf = (text) => Math.ceil(String(text ?? '').length / 4);

    /** Typical and most of one priced model, part by part. */
    function partsFor(row, assumption, { inputTokens, options, fastSearch }) {
      const search = options?.search?.enabled !== false && row.provider !== 'openai';
      const outputRange = assumption?.output ?? [600, 4096];
      const cap = options?.maxTokens ?? Infinity;
      const output = [Math.min(outputRange[0], cap), Math.min(outputRange[1], cap)];
      const searches = search ? assumption?.searches ?? [1, 3] : [0, 0];
      const parts = [];
      const part = (kind, unit, typicalUnits, maxUnits, rate, note) => parts.push({
        kind, unit, typicalUnits, maxUnits, typical: typicalUnits * rate, max: maxUnits * rate, note,
      });
      part('input', 'tokens', inputTokens, inputTokens, row.inputPerMillion / 1e6, 'the question, the system prompt and earlier turns');
      if (search) part('searchResults', 'tokens', 1500 * searches[0], 1500 * searches[1], row.inputPerMillion / 1e6, 'search results read by the model');
      part('output', 'tokens', output[0], output[1], row.outputPerMillion / 1e6, Number.isFinite(cap) ? 'up to the max tokens option' : 'a typical and the longest answer');
      if (row.requestFeePerThousand && search) {
        const size = options?.search?.contextSize ?? 'low';
        part('requestFee', 'requests', 1, 1, row.requestFeePerThousand[size] / 1000, `one request at ${size} search context`);
      }
      if (row.provider === 'agent' && search) {
        const rate = fastSearch ? TABLE.tools.fastSearchPerCall : TABLE.tools.webSearchPerCall;
        part('searches', 'searches', searches[0], searches[1], rate, fastSearch ? 'fast web searches' : 'web searches');
      }
      if (typeof row.searchPerThousand === 'number' && search) part('searches', 'searches', 25, 60, row.searchPerThousand / 1000, 'deep research searches');
      if (typeof row.citationPerMillion === 'number') part('citations', 'tokens', 8000, 20000, row.citationPerMillion / 1e6, 'citation tokens');
      if (typeof row.reasoningPerMillion === 'number') part('reasoning', 'tokens', 60000, 150000, row.reasoningPerMillion / 1e6, 'reasoning tokens');
      return parts;
    }

    function estimate(args) {
      const model = String(args?.model ?? '');
      const conv = args?.conversationId ? backend.history.conversations.get(args.conversationId) : null;
      const earlier = conv && !conv.deleted ? [...conv.messages.values()] : [];
      const options = args?.options ?? backend.settings.requestDefaults;
      const inputTokens = 60 + tokensOf(options?.systemPrompt) + tokensOf(args?.question) + earlier.reduce((n, m) => n + tokensOf(m.content), 0);
      const base = { model, currency: 'USD', inputTokens, earlierMessages: earlier.length };
      const preset = TABLE.presets.find((p) => p.preset === model) ?? null;
      const all = rows();
      const cheap = all.find((r) => r.model === (preset ? preset.models[0] : model));
      const dear = preset ? all.find((r) => r.model === preset.models.at(-1)) : cheap;
      if (!cheap || !dear) return { ...base, known: false, typical: null, max: null, parts: [], basis: [], preset: null };
      const context = { inputTokens, options, fastSearch: !!preset?.fastSearch };
      const low = partsFor(cheap, preset, context);
      const high = partsFor(dear, preset, context);
      const parts = low.map((p, i) => ({ ...p, maxUnits: high[i]?.maxUnits ?? p.maxUnits, max: high[i]?.max ?? p.max }));
      const basis = [...new Set([cheap, dear])].map((r) => `${r.model}: ${r.source.replace(/^https?:\/\//, '')} (${r.asOf})`);
      const total = (list, key) => list.reduce((n, p) => n + p[key], 0);
      return { ...base, known: true, typical: total(low, 'typical'), max: total(high, 'max'), parts, basis, preset: preset ? clone(preset) : null };
    }

    // ---------- commands ----------

    const store = {
      spending,
      configured,
      table: TABLE,
      seed,
      clear: () => spending.splice(0),
      /** set to an IpcError to make the next spend_report fail */
      reportFailure: null,
      /** chat_send calls this with each answer's reported or computed cost. */
      record: (entry) => spending.push({ at: Date.now(), computed: false, conversationId: null, ...entry }),
      commands: {
        prices_get: () => new Promise((resolve) => setTimeout(() => resolve(clone(TABLE)), 20)),
        cost_estimate: ({ args }) => new Promise((resolve) => setTimeout(() => resolve(estimate(args)), 15)),
        spend_summary: ({ args }) => {
          const { dayStart, monthStart, conversationId } = args ?? {};
          if (!Number.isFinite(dayStart) || !Number.isFinite(monthStart)) return fail('bad_request', 'dayStart and monthStart must be unix milliseconds.');
          return {
            today: sum(spending.filter((e) => e.at >= dayStart)),
            month: sum(spending.filter((e) => e.at >= monthStart)),
            conversation: conversationId ? sum(spending.filter((e) => e.conversationId === conversationId)) : null,
          };
        },
        spend_report: ({ bounds }) => {
          if (store.reportFailure) {
            const error = store.reportFailure;
            store.reportFailure = null;
            return Promise.reject(error);
          }
          const ok = Array.isArray(bounds) && bounds.length >= 2 && bounds.length <= 367
            && bounds.every((b, i) => Number.isFinite(b) && (i === 0 || b > bounds[i - 1]));
          if (!ok) return fail('bad_request', 'The report needs 2 to 367 ascending times.');
          const inside = spending.filter((e) => e.at >= bounds[0] && e.at < bounds.at(-1));
          const days = bounds.slice(1).map((end, i) => sum(inside.filter((e) => e.at >= bounds[i] && e.at < end)));
          const byModel = new Map();
          for (const e of inside) {
            const row = byModel.get(e.model) ?? { model: e.model, total: 0, answers: 0 };
            row.total += e.total;
            row.answers += 1;
            byModel.set(e.model, row);
          }
          const models = [...byModel.values()].sort((a, b) => b.total - a.total || a.model.localeCompare(b.model));
          return new Promise((resolve) => setTimeout(() => resolve({ days, models, total: sum(inside) }), 40));
        },
        conversation_configure: ({ id, model, options }) => {
          configured.push(clone({ id, model, options }));
          const conv = backend.history.conversations.get(id);
          if (!conv || conv.deleted) return fail('not_found', 'This conversation no longer exists.');
          conv.model = String(model);
          conv.options = options ? clone(options) : null;
          return null;
        },
      },
    };
    if (params.get('spend') === '1') seed(60);
    return store;
  };
})();
