// A fake `window.__TAURI__` for looking at the real UI in a plain browser, without the Rust app.
// It speaks the IPC contract of ui/ipc/ipc.js: app_status, settings_get, settings_update (validated
// like the backend), models_list (per provider), chat_send (saves the question, resolves with a
// receipt, streams events on a Channel and saves them into the answer), chat_cancel, open_url,
// the key commands of mock-keys.js (key_status, key_save, key_remove, key_test) and the history
// commands of mock-history.js (conversations_list, conversation_*, history_*, export_folder_open),
// the cost commands of mock-cost.js (prices_get, cost_estimate, spend_summary, spend_report,
// conversation_configure; every answer's cost is recorded there), background runs of
// mock-research.js (research_watch, research_cancel; chat_send with options.background, a deep
// preset or #research plays as a run), and image_fetch (image n of answer m, its URL from the fake history; a small picture drawn on a canvas, as a data: PNG; URLs with "broken" fail).
// Tags in the question pick a variant:
//   #slow       slower deltas            #reasoning  reasoning events before the answer
//   #error      stream dies mid-answer   #ratelimit  rate_limit error with retryAfter
//   #auth       bad key                  #nokey      chat_send rejects {kind: "no_key"}
//   #retrying   backend retries first    #length     finish "length"
//   #long       ~20,000-token answer     #hostile    script/img/javascript: payloads
//   #nosearch   no search, no sources    #extras     images, related and an unknown event too
//   #hostile #extras: hostile images and related questions
//   #latereceipt  the receipt resolves after the first events have arrived
//   #markdown   an answer with a table, highlighted code, math and a task list (screenshots)
//   #unsaved    the history cannot be written: "not saved" while retrying, after the end too
//   #resaved    like #unsaved, then a later save works
//   #research   a background run (see mock-research.js; also #hold and #cancelfails there)
// Query parameters: key, openaiKey, keyring and keytest (see mock-keys.js) set up the keys,
// ?provider=agent|sonar|openai the saved provider, ?retirement=offer (with sonar) the start-up offer
// to leave the retired Sonar API,
// ?models=offline makes models_list fall back to the built-in list with an error, and
// ?notice=damaged adds the "settings file was damaged" notice to the first app_status, and
// ?history=N seeds N saved conversations (see mock-history.js), and
// ?spend=1 seeds 60 days of spending (see mock-cost.js), and
// ?research=left|two seeds runs left going by the last session (see mock-research.js).
// Everything the UI sent is kept in window.__mockTauri.calls.
(() => {
  'use strict';

  const params = new URLSearchParams(location.search);
  const modelsOffline = params.get('models') === 'offline';

  // The backend's provider registry as providers_get returns it, generated from the Rust
  // (tests/contract.rs keeps the file current): no hand copy of providers here.
  const REGISTRY = (() => {
    const request = new XMLHttpRequest();
    request.open('GET', '/src-tauri/contract/providers.json', false);
    request.send();
    return JSON.parse(request.responseText);
  })();
  const spec = (id) => REGISTRY.providers.find((p) => p.id === id);
  const accountSpec = (id) => REGISTRY.accounts.find((a) => a.id === id);

  const settings = {
    provider: spec(params.get('provider')) ? params.get('provider') : REGISTRY.providers[0].id,
    addresses: Object.fromEntries(REGISTRY.accounts.map((a) => [a.id, a.defaultAddress])),
    defaultModels: Object.fromEntries(REGISTRY.providers.map((p) => [p.id, p.defaultModel])),
    requestDefaults: {
      systemPrompt: null,
      maxTokens: null,
      temperature: null,
      topP: null,
      reasoningEffort: null,
      search: { enabled: true, domains: [], recency: null, afterDate: null, beforeDate: null, contextSize: null, userLocation: null },
      relatedQuestions: false,
      images: false,
      background: false,
    },
    priceOverrides: [],
    monthlyBudget: null,
    theme: 'system',
    // ?retirement=offer: a Sonar person who has not been offered the switch yet.
    sonarRetirementOffered: params.get('retirement') !== 'offer',
  };
  const notices = params.get('notice') === 'damaged'
    ? ['The settings file was damaged, so Citewise started with default settings. The old file was kept as /home/you/.local/share/app.citewise.desktop/settings.corrupt-1763769600.json. Your conversations are not affected.']
    : [];
  const LIVE = {
    agent: ['perplexity/sonar', 'openai/gpt-5.4', 'anthropic/claude-sonnet-4-6', 'google/gemini-3-pro'],
    openai: ['gpt-4o-mini', 'gpt-4o', 'o4-mini'],
  };
  const clone = (value) => JSON.parse(JSON.stringify(value));

  // Keys live in mock-keys.js (loaded first); the commands below use its resolution order.
  const keyStore = window.__createMockKeys(params, { perplexity: LIVE.agent.length, openai: LIVE.openai.length }, (provider) => spec(provider).account);
  const { accountOf, resolveKey } = keyStore;
  const keyOf = (provider) => resolveKey(accountOf(provider)).source;

  const modelFor = (s) => s.defaultModels?.[s.provider];
  const addressFor = (s) => s.addresses?.[spec(s.provider).account];

  /** What settings_update checks, with the backend's sentences. */
  function validate(s) {
    for (const [name, url] of REGISTRY.accounts.map((a) => [a.addressLabel, s.addresses?.[a.id]])) {
      let ok = false;
      try {
        const u = new URL(String(url).trim());
        ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
      } catch {
        ok = false;
      }
      if (!ok) return `The ${name} must be an http:// or https:// URL, like https://api.perplexity.ai`;
    }
    if (!spec(s.provider)) return 'Unknown provider.';
    if (!String(modelFor(s) ?? '').trim()) return 'Choose a default model.';
    return priceProblem(s.priceOverrides ?? []) ?? budgetProblem(s.monthlyBudget ?? null);
  }

  /** The person's prices, checked like pricing::validate_overrides. */
  function priceProblem(rows) {
    const names = [
      ['inputPerMillion', 'input price'], ['outputPerMillion', 'output price'],
      ['requestFeePerThousand.low', 'low context fee'], ['requestFeePerThousand.medium', 'medium context fee'],
      ['requestFeePerThousand.high', 'high context fee'], ['citationPerMillion', 'citation price'],
      ['reasoningPerMillion', 'reasoning price'], ['searchPerThousand', 'search price'], ['cacheReadPerMillion', 'cache read price'],
    ];
    for (const [i, row] of rows.entries()) {
      const model = String(row?.model ?? '').trim();
      if (!model) return 'A price needs a model id.';
      if (rows.slice(0, i).some((r) => String(r?.model ?? '').trim() === model)) return `Each model can have one price of yours; ${model} has two.`;
      for (const [key, name] of names) {
        const value = key.split('.').reduce((v, part) => (v && typeof v === 'object' ? v[part] : undefined), row);
        const required = key === 'inputPerMillion' || key === 'outputPerMillion';
        if ((value === undefined || value === null) && !required) continue;
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return `Price for ${model}: the ${name} must be a number of dollars, 0 or more.`;
      }
    }
    return null;
  }

  function budgetProblem(budget) {
    if (budget === null) return null;
    return typeof budget === 'number' && Number.isFinite(budget) && budget > 0 ? null : 'The monthly budget must be more than $0 (leave it empty for no budget).';
  }

  function modelsList() {
    const provider = settings.provider;
    const presets = [...spec(provider).presets];
    const builtin = (error) => ({ presets, models: [...spec(provider).builtinModels], source: 'builtin', error });
    if (provider === 'sonar') return builtin(null);
    if (keyOf(provider) === 'none') return builtin({ kind: 'no_key', message: 'No API key is set.', retryAfter: null });
    if (modelsOffline) return builtin({ kind: 'network', message: 'Could not reach the provider (connection refused).', retryAfter: null });
    return { presets, models: [...LIVE[provider]], source: 'live', error: null };
  }

  const SOURCES = [
    {
      index: 1,
      url: 'https://en.wikipedia.org/wiki/Mount_Everest',
      title: 'Mount Everest - Wikipedia',
      snippet: 'Mount Everest is Earth\'s highest mountain above sea level, located in the Mahalangur Himal sub-range of the Himalayas.',
      date: '2025-01-12',
      domain: 'en.wikipedia.org',
    },
    {
      index: 2,
      url: 'https://www.britannica.com/place/Mount-Everest',
      title: 'Mount Everest | Height, Location, Map, Facts, Climbers, & Deaths | Britannica',
      snippet: 'Mount Everest, mountain on the crest of the Great Himalayas of southern Asia that lies on the border between Nepal and the Tibet Autonomous Region of China.',
      date: '2024-11-30',
      domain: 'britannica.com',
    },
    {
      index: 3,
      url: 'https://www.nationalgeographic.com/travel/article/mount-everest-height-revised',
      title: 'Mount Everest is two feet taller, China and Nepal announce',
      snippet: 'After years of debate, the two nations agreed on a new official height of 8,848.86 metres, measured with GNSS receivers and ground-penetrating radar.',
      date: '2020-12-08',
      domain: 'nationalgeographic.com',
    },
    {
      index: 4,
      url: 'https://www.rgs.org/about-us/our-history/everest-1953',
      title: 'Everest 1953: the first ascent',
      snippet: 'On 29 May 1953 Tenzing Norgay and Edmund Hillary became the first climbers confirmed to reach the summit.',
      date: null,
      domain: 'rgs.org',
    },
    {
      index: 5,
      url: 'https://www.usgs.gov/news/featured-story/how-tall-mount-everest',
      title: 'How tall is Mount Everest? (USGS)',
      snippet: 'The Indian plate continues to push under the Eurasian plate, raising the Himalaya by a few millimetres each year.',
      date: '2023-05-29',
      domain: 'usgs.gov',
    },
  ];

  const ANSWER = [
    "Mount Everest is Earth's highest mountain above sea level, at **8,848.86 m (29,031.7 ft)**[1][2]. ",
    'That figure comes from a joint survey by China and Nepal, announced in December 2020[3].\n\n',
    '## How the height was measured\n\n',
    '- **GNSS on the summit:** Nepali surveyors carried a satellite receiver to the top in 2019 and recorded for about two hours[3].\n',
    '- **Snow depth by radar:** a ground-penetrating radar measured the snow cap, so rock height and snow height could be told apart[1, 3].\n',
    '- **A shared geoid model:** both teams agreed on the reference for *sea level*, the main source of earlier disagreement[2].\n\n',
    'Earlier official figures were 8,848 m (Nepal, 1955) and 8,844.43 m (China, 2005, rock height only)[1-3]. ',
    'The mountain still rises by a few millimetres a year as the Indian plate pushes under Asia[5].\n\n',
    '| Survey | Year | Height |\n|---|---|---:|\n| Survey of India | 1955 | 8,848 m |\n| China | 2005 | 8,844.43 m |\n| China and Nepal | 2020 | 8,848.86 m |\n\n',
    'Its summit was first reached on 29 May 1953 by Tenzing Norgay and Edmund Hillary[4]. ',
    'For the full survey method, see the [National Geographic report](https://www.nationalgeographic.com/travel/article/mount-everest-height-revised).',
  ].join('');

  const MARKDOWN_ANSWER = [
    '## Measuring a mountain\n\n',
    'Surveyors combine satellite heights with a geoid model: the height above sea level is $H = h - N$, ',
    'where $h$ is the height above the ellipsoid and $N$ the geoid undulation[2]. Gravity enters through ',
    '\\(g \\approx 9.81\\,\\mathrm{m/s^2}\\)[3]. A campaign costs from $50,000 to $120,000, a GNSS receiver about $8,000[1].\n\n',
    'The trigonometric method of 1856 corrects for the curvature of the Earth and refraction:\n\n',
    '$$\nH = d \\tan\\theta + \\frac{d^2}{2R}(1 - k)\n$$\n\n',
    'and several observations are averaged:\n\\[\n\\bar{H} = \\frac{1}{n}\\sum_{i=1}^{n} H_i\n\\]\n\n',
    '| Survey | Method | Height |\n|:--|:--|--:|\n| 1856 | Trigonometric | 8,840 m |\n| 1955 | Theodolite | 8,848 m |\n| 2020 | GNSS and gravity | 8,848.86 m |\n\n',
    '```python\ndef orthometric_height(h: float, n: float) -> float:\n    """Height above the geoid, in metres."""\n',
    '    return round(h - n, 2)  # h: ellipsoidal, n: geoid undulation\n\nprint(orthometric_height(8_877.4, 28.54))\n```\n\n',
    '- [x] GNSS on the summit[3]\n- [x] Snow depth by radar[1, 3]\n- [ ] A new survey in 2030\n\n',
    '> A formula the model got wrong stays readable: $\\frac{1$ and the answer goes on[5].',
  ].join('');

  const HOSTILE_ANSWER = [
    'Here is some <script>window.__pwned = true; alert("xss")</script> text and an image ',
    '<img src="x" onerror="window.__pwned = true">.\n\n',
    'A [harmless-looking link](javascript:window.__pwned=true) and a [data link](data:text/html,<script>alert(1)</script>) ',
    'and a [real one](https://example.org/safe).\n\n',
    '**Bold <b>html</b>** and `<code>` and a citation to a bad source[2] and a good one[1] and a missing one[9].\n\n',
    '```html\n<script>alert("in a code block")</script>\n```\n\n',
    '[click me](  javascript:alert(1)  ) [vb](vbscript:msgbox) [file](file:///etc/passwd)',
  ].join('');

  const HOSTILE_SOURCES = [
    { index: 1, url: 'https://example.org/ok', title: 'A <b>fine</b> source <img src=x onerror=alert(1)>', snippet: '<script>alert(1)</script>', date: '2025-02-30', domain: null },
    { index: 2, url: 'javascript:window.__pwned=true', title: 'Evil source', snippet: 'Clicking this must do nothing.', date: null, domain: 'evil.example' },
    { index: 3, url: 'data:text/html,<h1>hi</h1>', title: null, snippet: null, date: null, domain: null },
  ];

  /** #extras: two pictures, one that fails to load, one that must never be fetched. */
  const IMAGES = [
    { url: 'https://images.example/everest.jpg', originUrl: 'https://example.org/everest', width: 800, height: 600 },
    { url: 'https://images.example/k2.jpg', originUrl: null, width: 1200, height: 800 },
    { url: 'https://images.example/broken.jpg', originUrl: 'https://example.org/broken', width: null, height: null },
    { url: 'javascript:window.__pwned=true', originUrl: 'javascript:window.__pwned=true', width: 10, height: 10 },
  ];
  const RELATED = ['How tall is K2?', 'When was Everest first climbed?', 'Why do Everest height figures differ?'];
  const HOSTILE_IMAGES = [
    { url: 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=true"/>', originUrl: null },
    { url: 'https://images.example/fine.jpg', originUrl: 'vbscript:msgbox(1)' },
  ];
  const HOSTILE_RELATED = ['<img src=x onerror="window.__pwned=true">What now?', 'javascript:window.__pwned=true'];

  /** image_fetch: a little mountain picture, its colours from the URL, drawn on a canvas. */
  function drawImage(url) {
    let hash = 0;
    for (const ch of url) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 112;
    const g = canvas.getContext('2d');
    const hue = hash % 360;
    const sky = g.createLinearGradient(0, 0, 0, 112);
    sky.addColorStop(0, `hsl(${hue} 60% 55%)`);
    sky.addColorStop(1, `hsl(${(hue + 40) % 360} 70% 85%)`);
    g.fillStyle = sky;
    g.fillRect(0, 0, 160, 112);
    const peak = 50 + (hash % 60);
    g.fillStyle = `hsl(${hue} 12% 35%)`;
    g.beginPath();
    g.moveTo(0, 112);
    g.lineTo(peak, 22);
    g.lineTo(160, 112);
    g.fill();
    g.fillStyle = '#f8f9fb';
    g.beginPath();
    g.moveTo(peak - 16, 42);
    g.lineTo(peak, 22);
    g.lineTo(peak + 17, 42);
    g.fill();
    return { dataUrl: canvas.toDataURL('image/png'), mime: 'image/png', width: 160, height: 112 };
  }

  const REASONING = [
    'The user asks for the height of Mount Everest. ',
    'Sources disagree slightly: 8,848 m (1955), 8,844.43 m (2005, rock only), 8,848.86 m (2020). ',
    'The 2020 joint China–Nepal survey is the current official figure; I should cite it and explain the method briefly.',
  ];

  /** Deterministic pseudo-random numbers, so screenshots are reproducible. */
  function rng(seed) {
    let s = seed >>> 0;
    return () => {
      s = (s * 1664525 + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  /** Cut text into deltas of 1–14 characters, often right inside `[n]` markers. */
  function toDeltas(text, seed = 7) {
    const rand = rng(seed);
    const out = [];
    let i = 0;
    while (i < text.length) {
      let n = 1 + Math.floor(rand() * 14);
      const bracket = text.indexOf('[', i);
      if (bracket > i && bracket < i + n && rand() < 0.6) n = bracket - i + 1; // split after "["
      out.push(text.slice(i, i + n));
      i += n;
    }
    return out;
  }

  function longAnswer() {
    const para = (k) =>
      `Paragraph ${k}: survey work on high peaks combines satellite positioning, levelling and gravity ` +
      `measurements, and each method has its own error budget[${(k % 5) + 1}]. In practice the **largest** ` +
      `uncertainty is the geoid, the surface that stands in for *sea level* under a mountain range[${((k + 2) % 5) + 1}][${((k + 3) % 5) + 1}].\n\n`;
    let text = '';
    for (let k = 1; text.length < 80000; k += 1) {
      text += k % 12 === 0 ? `### Part ${k / 12}\n\n- item one with \`code\`\n- item two[1]\n\n` : para(k);
    }
    return text;
  }

  const usage = (outputTokens) => ({
    inputTokens: 1000,
    outputTokens,
    totalTokens: 1000 + outputTokens,
    reasoningTokens: null,
    searches: 2,
    cost: {
      total: 0.0005 + 0.000001 * 1000 + 0.0000047 * outputTokens,
      currency: 'USD',
      inputCost: 0.001,
      outputCost: 0.0000047 * outputTokens,
      requestCost: 0.0005,
      computed: false,
    },
  });

  /** @returns {{delay: number, event: string, data: object}[]} */
  function script(question) {
    const has = (tag) => question.includes(tag);
    const steps = [];
    const step = (delay, event, data) => steps.push({ delay, event, data });
    const gap = has('#slow') ? 140 : has('#long') ? 16 : 30;

    if (has('#ratelimit')) {
      step(300, 'error', { kind: 'rate_limit', message: 'Perplexity is limiting requests from this key right now.', retryAfter: 12 });
      return steps;
    }
    if (has('#auth')) {
      step(250, 'error', { kind: 'auth', message: 'Perplexity rejected the API key (401 Unauthorized).', retryAfter: null });
      return steps;
    }
    if (has('#retrying')) step(200, 'retrying', { attempt: 2, waitSeconds: 3, reason: 'rate_limit' });
    const hostile = has('#hostile');
    if (!has('#nosearch')) {
      step(has('#retrying') ? 3000 : 150, 'searching', { queries: ['mount everest height'] });
      step(350, 'searching', { queries: ['mount everest height', 'everest 2020 survey method'] });
    }
    if (has('#reasoning')) {
      for (const part of REASONING) for (const d of toDeltas(part, 3)) step(20, 'reasoning', { text: d });
    }
    if (!has('#nosearch')) step(700, 'sources', { sources: hostile ? HOSTILE_SOURCES : SOURCES });
    const text = hostile ? HOSTILE_ANSWER : has('#long') ? longAnswer() : has('#markdown') ? MARKDOWN_ANSWER : ANSWER;
    const deltas = has('#long') ? text.match(/[\s\S]{1,24}/g) : toDeltas(text);
    const cutAt = has('#error') ? Math.floor(deltas.length * 0.45) : deltas.length;
    deltas.slice(0, cutAt).forEach((d, k) => step(k === 0 ? 250 : gap, 'delta', { text: d }));
    if (has('#error')) {
      step(400, 'error', { kind: 'interrupted', message: 'The connection dropped in the middle of the answer.', retryAfter: null });
      return steps;
    }
    if (has('#extras')) {
      step(20, 'images', { images: hostile ? HOSTILE_IMAGES : IMAGES.slice(0, 2) });
      step(20, 'images', { images: hostile ? HOSTILE_IMAGES : IMAGES });
      step(20, 'related', { questions: hostile ? HOSTILE_RELATED : RELATED });
      step(20, 'future_event', { whatever: true });
      step(20, 'related', null);
    }
    const full = { ok: false, retrying: true, message: 'The history database failed: database or disk is full' };
    if (has('#unsaved') || has('#resaved')) step(10, 'saving', full);
    step(60, 'usage', usage(Math.round(text.length / 4)));
    step(10, 'done', { finish: has('#length') ? 'length' : 'stop' });
    if (has('#unsaved')) step(200, 'saving', { ...full, retrying: false });
    if (has('#resaved')) step(200, 'saving', { ok: true, retrying: false, message: null });
    return steps;
  }

  class Channel {
    constructor(onmessage) {
      this.onmessage = onmessage || (() => {});
    }
  }

  const running = new Map();
  const calls = [];
  const history = window.__createMockHistory(params, { answer: ANSWER, sources: SOURCES, usage: usage(400), images: IMAGES, related: RELATED });
  const cost = window.__createMockCost(params, { settings, history });
  const research = window.__createMockResearch(params, { history, spec, settings, cost, usage: usage(3000) });

  function chatSend({ args, onEvent }) {
    if ('messages' in args) return Promise.reject({ kind: 'bad_request', message: 'chat_send takes a question or regenerate, not messages.' });
    const question = typeof args.regenerate === 'string' ? history.questionOf(args.conversationId, args.regenerate) : String(args.question ?? '');
    if (question.includes('#nokey') || keyOf(settings.provider) === 'none') {
      return Promise.reject({ kind: 'no_key', message: 'No API key is set.' });
    }
    let receipt;
    try {
      receipt = history.begin(args);
    } catch (err) {
      return Promise.reject(err);
    }
    const conversationId = receipt.conversation.id;
    const answerId = receipt.assistantMessageId;
    const steps = script(question);
    const send = (message) => {
      history.record(conversationId, answerId, message);
      const spent = message.event === 'usage' ? message.data?.cost : null;
      if (spent) cost.record({ model: args.model, total: spent.total, computed: !!spent.computed, conversationId });
      onEvent.onmessage(message);
    };
    if (research.inBackground(args, question)) {
      research.start({ requestId: args.requestId, receipt, model: args.model, question, steps, send, running });
      return later(receipt, 5);
    }
    const run = { timer: 0, send };
    running.set(args.requestId, run);
    const next = (k) => {
      if (k >= steps.length) {
        running.delete(args.requestId);
        return;
      }
      run.timer = setTimeout(() => {
        send({ event: steps[k].event, data: steps[k].data });
        next(k + 1);
      }, steps[k].delay);
    };
    next(0);
    return later(receipt, question.includes('#latereceipt') ? 1200 : 5);
  }

  const later = (value, ms = 60) => new Promise((resolve) => setTimeout(() => resolve(value), ms));

  const commands = {
    app_status: () => ({
      version: '0.1.0-harness',
      provider: settings.provider,
      baseUrl: addressFor(settings),
      defaultModel: modelFor(settings),
      keySource: resolveKey(accountOf(settings.provider)).source,
      keyLast4: resolveKey(accountOf(settings.provider)).last4,
      dataDir: '/home/you/.local/share/app.citewise.desktop',
      logDir: '/home/you/.local/share/app.citewise.desktop/logs',
      notices: notices.splice(0),
      sonarRetirement: settings.provider === 'sonar' && !settings.sonarRetirementOffered
        ? ((settings.sonarRetirementOffered = true), true) : false,
    }),
    settings_get: () => clone(settings),
    settings_update: ({ settings: next }) => {
      const problem = validate(next);
      if (problem) return Promise.reject({ kind: 'settings', message: problem, retryAfter: null });
      Object.assign(settings, clone(next));
      return later(clone(settings), 30);
    },
    models_list: () => later(modelsList()),
    providers_get: () => clone(REGISTRY),
    // The backend's mapping (api::SONAR_SUCCESSORS); the fake history's conversations follow it.
    sonar_migrate: () => {
      const models = { sonar: 'perplexity/sonar', 'sonar-pro': 'low', 'sonar-reasoning': 'low', 'sonar-reasoning-pro': 'low', 'sonar-deep-research': 'medium' };
      settings.provider = 'agent';
      settings.defaultModels.agent = models[settings.defaultModels.sonar] ?? settings.defaultModels.agent;
      settings.sonarRetirementOffered = true;
      const conversations = history.renameModels ? history.renameModels(models) : 0;
      return later({ settings: clone(settings), conversations, models }, 30);
    },
    chat_send: chatSend,
    ...keyStore.commands,
    ...history.commands,
    ...cost.commands,
    chat_cancel: ({ requestId }) => {
      const run = running.get(requestId);
      if (!run) return false;
      if (run.research) return research.cancel(run.research.answerId); // cancelled on the server too
      clearTimeout(run.timer);
      running.delete(requestId);
      setTimeout(() => run.send({ event: 'done', data: { finish: 'cancelled' } }), 20);
      return true;
    },
    ...research.commands,
    // By answer and position, as the backend does: the URL is the one the answer came with.
    image_fetch: ({ messageId, index }) => {
      const url = history.imageUrl(messageId, index);
      if (typeof url !== 'string') return Promise.reject({ kind: 'not_found', message: 'That image is no longer in your history.' });
      if (!/^https?:\/\/[^/]/i.test(url)) return Promise.reject({ kind: 'image_unavailable', message: 'The image could not be loaded.' });
      if (url.includes('broken')) return later(null, 40).then(() => Promise.reject({ kind: 'not_image', message: 'That is not a picture Citewise shows (PNG, JPEG, GIF or WebP).' }));
      return later(drawImage(url), 80);
    },
    open_url: ({ url }) => {
      if (!/^https?:/i.test(url)) throw { kind: 'bad_url', message: `Not a web address: ${url}` };
      console.info('[mock] open_url', url);
      return null;
    },
    folder_open: ({ folder }) => {
      if (folder !== 'data' && folder !== 'logs') throw { kind: 'bad_request', message: `unknown variant \`${folder}\`` };
      if (mock.folderFails) throw { kind: 'folder', message: 'No file manager could open it.' };
      return null;
    },
  };

  async function invoke(command, args = {}) {
    calls.push({ command, args });
    const handler = commands[command];
    if (!handler) throw { kind: 'unknown_command', message: `The mock has no command ${command}.` };
    return handler(args);
  }

  window.__TAURI__ = { core: { invoke, Channel } };
  const mock = { folderFails: false, calls, running, settings, notices, keys: keyStore.keys, keyring: keyStore.keyring, keyStore, history, cost, research };
  window.__mockTauri = mock;
})();
