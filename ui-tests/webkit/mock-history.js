// Saved history for the fake backend (loaded after mock-keys.js, before mock-tauri.js): an
// in-memory tree per conversation (messages with parentId; siblings are versions; the shown
// branch follows remembered choices, else the newest), soft delete and restore, the sidebar's
// keyset pages, search with snippet parts, export to a fake path and a small JSON import.
// `?history=N` seeds N conversations spread over the last 60 days (the newest three: an edited
// question with versions, an interrupted answer, a failed one). mock-tauri.js drives `begin` and
// `record` from chat_send; tests reach the store as window.__mockTauri.history.
(() => {
  'use strict';

  const DAY = 86400000;
  const clone = (value) => JSON.parse(JSON.stringify(value));
  const fail = (kind, message) => ({ kind, message, retryAfter: null });

  /** @param {URLSearchParams} params @param {{answer: string, sources: object[], usage: object, images?: object[], related?: string[]}} sample */
  window.__createMockHistory = (params, sample) => {
    const conversations = new Map();
    let counter = 0;
    const newId = (prefix) => `${prefix}${(counter += 1).toString(36).padStart(4, '0')}`;
    const store = {
      conversations,
      /** ms before a search answers; tests change it per query to check the stale-response guard */
      searchDelay: () => 30,
      exportFolder: '/home/you/Downloads',
      /** set to an IpcError to make the next history_export fail */
      exportFailure: null,
    };

    const titleFrom = (q) => {
      const flat = q.replace(/\s+/g, ' ').trim();
      return flat.length <= 48 ? flat : `${flat.slice(0, 47).replace(/\s+\S*$/, '')}…`;
    };

    const message = (conv, role, parentId, content, at, extra = {}) => {
      const m = {
        id: newId('m'), parentId, role, content, reasoning: '', sources: [], images: [], related: [], queries: [],
        usage: null, model: role === 'assistant' ? conv.model : null, status: 'complete', error: null,
        finish: role === 'assistant' ? 'stop' : null, createdAt: at, updatedAt: at, seq: counter, ...extra,
      };
      conv.messages.set(m.id, m);
      return m;
    };

    const create = ({ title, pinned = false, at = Date.now(), model = 'fast' }) => {
      const conv = { id: newId('c'), title, pinned, createdAt: at, updatedAt: at, model, options: null, deleted: false, messages: new Map(), chosen: new Map() };
      conversations.set(conv.id, conv);
      return conv;
    };

    const get = (id) => {
      const conv = conversations.get(id);
      if (!conv || conv.deleted) throw fail('not_found', 'This conversation no longer exists.');
      return conv;
    };

    const children = (conv, parentId) =>
      [...conv.messages.values()].filter((m) => m.parentId === parentId).sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);

    const branch = (conv) => {
      const path = [];
      let parent = null;
      for (;;) {
        const kids = children(conv, parent);
        if (kids.length === 0) return path;
        const chosen = conv.chosen.get(parent ?? '');
        const next = kids.find((k) => k.id === chosen) ?? kids[kids.length - 1];
        path.push(next);
        parent = next.id;
      }
    };

    const versions = (conv, m) => {
      const siblings = children(conv, m.parentId).map((s) => s.id);
      return { index: siblings.indexOf(m.id), count: siblings.length, siblings };
    };

    /** Show the branch through `messageId`: choose it and its ancestors; below it, the newest. */
    const choose = (conv, messageId) => {
      let m = conv.messages.get(messageId);
      if (!m) throw fail('not_found', 'That message is not in this conversation.');
      const below = [messageId];
      while (below.length) {
        const id = below.pop();
        conv.chosen.delete(id);
        for (const k of children(conv, id)) below.push(k.id);
      }
      while (m) {
        conv.chosen.set(m.parentId ?? '', m.id);
        m = m.parentId ? conv.messages.get(m.parentId) : null;
      }
    };

    const summary = (conv) => ({ id: conv.id, title: conv.title, pinned: conv.pinned, createdAt: conv.createdAt, updatedAt: conv.updatedAt, model: conv.model });
    const full = (conv) => ({
      ...summary(conv),
      options: conv.options,
      messages: branch(conv).map((m) => {
        const { seq, ...rest } = m;
        return { ...clone(rest), versions: versions(conv, m) };
      }),
    });

    /** Sidebar order: pinned first, newest first, id as the tie-break. */
    const order = (a, b) => (b.pinned - a.pinned) || (b.updatedAt - a.updatedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

    // ---------- chat_send ----------

    /** Save the question (or find it, for regenerate) and a streaming answer; the receipt. */
    store.begin = (args) => {
      const at = Date.now();
      let conv;
      let user;
      if (args.conversationId == null) {
        if (typeof args.question !== 'string' || !args.question.trim()) throw fail('bad_request', 'A question is needed.');
        conv = create({ title: titleFrom(args.question), at, model: args.model });
      } else {
        conv = get(args.conversationId);
      }
      if (typeof args.regenerate === 'string') {
        user = conv.messages.get(args.regenerate);
        if (!user || user.role !== 'user') throw fail('bad_request', 'Only a question can be answered again.');
        // A failed answer without any text is replaced, not kept as a version.
        for (const old of children(conv, user.id)) {
          if (old.status === 'error' && !old.content.trim() && children(conv, old.id).length === 0) conv.messages.delete(old.id);
        }
      } else {
        if (typeof args.question !== 'string' || !args.question.trim()) throw fail('bad_request', 'A question is needed.');
        const parentId = args.parentId ?? null;
        if (parentId !== null && !conv.messages.has(parentId)) throw fail('bad_request', 'The question follows a message that is not in this conversation.');
        user = message(conv, 'user', parentId, args.question, at);
      }
      const answer = message(conv, 'assistant', user.id, '', at + 1, { status: 'streaming', finish: null, model: args.model });
      choose(conv, answer.id);
      conv.updatedAt = at;
      conv.model = args.model;
      conv.options = args.options ?? null;
      return {
        conversation: summary(conv),
        userMessageId: user.id,
        assistantMessageId: answer.id,
        userVersions: versions(conv, user),
        answerVersions: versions(conv, answer),
      };
    };

    /** The question an answer is for (chat_send regenerate: which mock script to play). */
    store.questionOf = (conversationId, userMessageId) => conversations.get(conversationId)?.messages.get(userMessageId)?.content ?? '';

    /** The URL of image `index` of answer `messageId` (image_fetch: the page never names a URL). */
    store.imageUrl = (messageId, index) => {
      for (const conv of conversations.values()) {
        const url = conv.messages.get(messageId)?.images?.[index]?.url;
        if (url !== undefined) return url;
      }
      return undefined;
    };

    /** Save a streamed event into the answer, as the backend does while streaming. */
    store.record = (conversationId, answerId, { event, data }) => {
      const conv = conversations.get(conversationId);
      const m = conv?.messages.get(answerId);
      if (!m || !data) return;
      m.updatedAt = Date.now();
      if (event === 'delta') m.content += data.text;
      else if (event === 'reasoning') m.reasoning += data.text;
      else if (event === 'searching') m.queries = [...new Set([...m.queries, ...data.queries])];
      else if (event === 'sources') m.sources = clone(data.sources);
      else if (event === 'images') m.images = clone(data.images);
      else if (event === 'related') m.related = clone(data.questions);
      else if (event === 'usage') m.usage = clone(data);
      else if (event === 'error') Object.assign(m, { status: 'error', error: clone(data) });
      else if (event === 'done') Object.assign(m, { status: data.finish === 'cancelled' ? 'interrupted' : 'complete', finish: data.finish });
      if (event === 'done' || event === 'error') conv.updatedAt = m.updatedAt;
    };

    // ---------- search ----------

    const TOKEN = /[\p{L}\p{N}]+/gu;

    /** Plain text parts around the first match, the matching words marked. */
    const snippet = (text, matches) => {
      const tokens = [...text.matchAll(TOKEN)];
      const first = tokens.findIndex((t) => matches(t[0]));
      if (first < 0) return null;
      const from = Math.max(0, first - 6);
      const to = Math.min(tokens.length, first + 18);
      const start = tokens[from].index;
      const end = to < tokens.length ? tokens[to - 1].index + tokens[to - 1][0].length : text.length;
      const parts = [];
      const push = (t, hit) => {
        if (!t) return;
        const last = parts[parts.length - 1];
        if (last && last.hit === hit) last.text += t;
        else parts.push({ text: t, hit });
      };
      if (from > 0) push('…', false);
      let at = start;
      for (const t of tokens.slice(from, to)) {
        push(text.slice(at, t.index).replace(/\s+/g, ' '), false);
        push(t[0], matches(t[0]));
        at = t.index + t[0].length;
      }
      push(text.slice(at, end).replace(/\s+/g, ' '), false);
      if (to < tokens.length) push('…', false);
      return parts;
    };

    store.search = (query, limit) => {
      const words = (query.toLowerCase().match(TOKEN) ?? []);
      if (words.length === 0) return [];
      const whole = words.slice(0, -1);
      const prefix = words[words.length - 1];
      const matches = (token) => {
        const t = token.toLowerCase();
        return whole.includes(t) || t.startsWith(prefix);
      };
      const hasAll = (text) => {
        const tokens = (text.toLowerCase().match(TOKEN) ?? []);
        return whole.every((w) => tokens.includes(w)) && tokens.some((t) => t.startsWith(prefix));
      };
      const hits = [];
      for (const conv of conversations.values()) {
        if (conv.deleted) continue;
        if (hasAll(conv.title)) hits.push({ conversationId: conv.id, messageId: null, role: null, title: conv.title, snippet: snippet(conv.title, matches), updatedAt: conv.updatedAt });
        for (const m of conv.messages.values()) {
          if (m.content && hasAll(m.content)) {
            hits.push({ conversationId: conv.id, messageId: m.id, role: m.role, title: conv.title, snippet: snippet(m.content, matches), updatedAt: m.updatedAt });
          }
        }
      }
      return hits.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, limit);
    };

    // ---------- import ----------

    /** The backend's checks (src-tauri/history/import.rs), in its words, on its file layout. */
    const importProblem = (data) => {
      const notExport = 'This file is not a Citewise JSON export (use Export as JSON to make one).';
      if (!data || typeof data !== 'object' || data.format !== 'citewise.history' || !(data.version >= 1)) return notExport;
      if (data.version > 1) return `This export was made by a newer Citewise (format version ${data.version}; this version reads up to 1). Update Citewise to import it.`;
      if (!Array.isArray(data.conversations)) return 'The export is damaged: it has no "conversations" list.';
      const ids = new Set();
      for (const [i, c] of data.conversations.entries()) {
        const name = `conversation ${i + 1} (“${String(c?.title ?? '').slice(0, 60)}”)`;
        if (!c || typeof c.id !== 'string' || !c.id.trim()) return `The export is damaged: ${name} has no usable id.`;
        if (ids.has(c.id)) return `The export is damaged: ${name} appears twice.`;
        ids.add(c.id);
        if (typeof c.title !== 'string' || !c.title.trim()) return `The export is damaged: ${name} has no usable title.`;
        if (!Array.isArray(c.messages)) return `The export is damaged: ${name} has no "messages" list.`;
        const seen = new Set();
        for (const [k, m] of c.messages.entries()) {
          const what = `message ${k + 1} of ${name}`;
          if (!m || typeof m.id !== 'string' || !m.id.trim() || seen.has(m.id)) return `The export is damaged: ${what} has a missing or repeated id.`;
          if (!['user', 'assistant'].includes(m.role) || typeof m.content !== 'string') return `The export is damaged: ${what} needs a role (user or assistant) and a text.`;
          if (m.parentId != null && !seen.has(m.parentId)) return `The export is damaged: ${what} answers a message that is not before it.`;
          seen.add(m.id);
        }
      }
      return null;
    };

    store.import = (text) => {
      let data;
      try {
        data = JSON.parse(text);
      } catch (err) {
        throw fail('import', `This file is not valid JSON (${err.message}).`);
      }
      const problem = importProblem(data);
      if (problem) throw fail('import', problem);
      const report = { conversations: 0, messages: 0, skipped: [] };
      for (const c of data.conversations) {
        if (conversations.has(c.id)) {
          report.skipped.push(c.title);
          continue;
        }
        const at = Number(c.updatedAt) || Date.now();
        const conv = { id: c.id, title: c.title, pinned: !!c.pinned, createdAt: Number(c.createdAt) || at, updatedAt: at, model: c.model ?? 'fast', options: null, deleted: false, messages: new Map(), chosen: new Map() };
        for (const m of c.messages) {
          const made = message(conv, m.role, m.parentId ?? null, m.content, Number(m.createdAt) || at);
          conv.messages.delete(made.id);
          made.id = m.id;
          conv.messages.set(m.id, made);
        }
        conversations.set(conv.id, conv);
        report.conversations += 1;
        report.messages += c.messages.length;
      }
      return report;
    };

    // ---------- seeds ----------

    const TOPICS = ['Rust lifetimes', 'Flight to Oslo', 'Tax questions', 'Sourdough starter', 'Kubernetes probes', 'Bike gears',
      'Espresso grind size', 'Norwegian verbs', 'SQLite FTS5 ranking', 'Heat pump sizing', 'Marathon taper', 'Tauri capabilities',
      'Moon phases', 'Houseplant light', 'Git rebase onto', 'Photosynthesis', 'Budget for Japan', 'CSS subgrid', 'Vitamin D', 'Jazz chords'];

    /** A question with one complete answer, saved `at`. */
    const exchange = (conv, parentId, question, at, answer = `Here is a short answer with a citation[1]. It comes from the seed data of the UI harness, so it says the same thing for every topic[2].`) => {
      const user = message(conv, 'user', parentId, question, at);
      const reply = message(conv, 'assistant', user.id, answer, at + 1000, { sources: clone(sample.sources.slice(0, 2)), usage: clone(sample.usage), queries: [question.toLowerCase()] });
      return { user, reply };
    };

    /** @param {number} n @param {number} [now] */
    store.seed = (n, now = Date.now()) => {
      for (let i = 0; i < n; i += 1) {
        // Spread over 60 days, newest first: four today (minutes apart), three yesterday, the rest.
        const yesterday = new Date(now).setHours(0, 0, 0, 0) - (i - 3) * 2 * 3600000;
        const at = i < 4 ? now - i * 7 * 60000 - 1000 : i < 7 ? yesterday : now - Math.round((i / n) * 60 * DAY);
        const topic = TOPICS[i % TOPICS.length];
        const title = i === 0 ? 'How high is Mount Everest?' : i < TOPICS.length ? topic : `${topic} #${Math.floor(i / TOPICS.length) + 1}`;
        const conv = create({ title, pinned: n > 20 && (i === 9 || i === 15), at });
        if (i === 0) {
          // An edited question: two versions; the second answered twice.
          const first = exchange(conv, null, 'How high is Everest?', at - 600000);
          const second = exchange(conv, null, 'How high is Mount Everest?', at - 300000, sample.answer);
          const again = message(conv, 'assistant', second.user.id, sample.answer, at - 1000,
            { sources: clone(sample.sources), usage: clone(sample.usage), images: clone(sample.images ?? []), related: clone(sample.related ?? []) });
          exchange(conv, again.id, 'And how tall is K2?', at);
          first.reply.content = 'Mount Everest is 8,849 m high[1].';
          choose(conv, again.id);
        } else if (i === 1) {
          const { reply } = exchange(conv, null, `Tell me about ${topic.toLowerCase()}`, at);
          Object.assign(reply, { content: reply.content.slice(0, 60), status: 'interrupted', finish: null, usage: null });
        } else if (i === 2) {
          const { reply } = exchange(conv, null, `Explain ${topic.toLowerCase()}`, at);
          Object.assign(reply, { content: reply.content.slice(0, 40), status: 'error', finish: null, usage: null,
            error: { kind: 'network', message: 'The connection dropped in the middle of the answer.', retryAfter: null } });
        } else {
          exchange(conv, null, `What should I know about ${topic.toLowerCase()}?`, at);
        }
      }
    };

    const seeded = Number(params.get('history'));
    if (seeded > 0) store.seed(Math.min(seeded, 100000));

    // ---------- commands ----------

    store.commands = {
      conversations_list: ({ cursor, limit }) => {
        if (!(limit > 0 && limit <= 500)) throw fail('bad_request', 'limit must be between 1 and 500.');
        const all = [...conversations.values()].filter((c) => !c.deleted).sort(order);
        let start = 0;
        if (cursor) {
          const [pinned, updatedAt, id] = JSON.parse(cursor);
          const key = { pinned: !!pinned, updatedAt, id };
          start = all.findIndex((c) => order(key, c) < 0);
          if (start < 0) start = all.length;
        }
        const items = all.slice(start, start + limit);
        const last = items[items.length - 1];
        const nextCursor = start + limit < all.length && last ? JSON.stringify([last.pinned ? 1 : 0, last.updatedAt, last.id]) : null;
        return { items: items.map(summary), nextCursor };
      },
      conversation_open: ({ id, focusMessageId }) => {
        const conv = get(id);
        if (focusMessageId) choose(conv, focusMessageId);
        return full(conv);
      },
      conversation_select_version: ({ id, messageId }) => {
        const conv = get(id);
        choose(conv, messageId);
        return full(conv);
      },
      conversation_rename: ({ id, title }) => {
        const conv = get(id);
        const next = String(title ?? '').trim();
        if (!next) throw fail('bad_request', 'A conversation needs a name.');
        conv.title = next;
        return summary(conv);
      },
      conversation_pin: ({ id, pinned }) => {
        const conv = get(id);
        conv.pinned = !!pinned;
        return summary(conv);
      },
      conversation_delete: ({ id }) => {
        get(id).deleted = true;
        return null;
      },
      conversation_restore: ({ id }) => {
        const conv = conversations.get(id);
        if (!conv) throw fail('not_found', 'This conversation no longer exists.');
        conv.deleted = false;
        return summary(conv);
      },
      history_search: ({ query, limit }) => {
        const hits = store.search(String(query ?? ''), Math.min(Number(limit) || 50, 200));
        return new Promise((resolve) => setTimeout(() => resolve(hits), store.searchDelay(query)));
      },
      history_export: ({ ids, format }) => {
        if (store.exportFailure) {
          const error = store.exportFailure;
          store.exportFailure = null;
          throw error;
        }
        if (!['markdown', 'json'].includes(format)) throw fail('bad_request', 'Unknown export format.');
        const chosen = ids ? ids.map(get) : [...conversations.values()].filter((c) => !c.deleted);
        const ext = format === 'markdown' ? 'md' : 'json';
        const name = ids && chosen.length === 1
          ? chosen[0].title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 60) || 'conversation'
          : 'citewise-export-2026-11-22';
        const messages = chosen.reduce((n, c) => n + c.messages.size, 0);
        return { path: `${store.exportFolder}/${name}.${ext}`, conversations: chosen.length, messages };
      },
      history_import: ({ text }) => store.import(String(text ?? '')),
      export_folder_open: () => null,
    };
    return store;
  };
})();
