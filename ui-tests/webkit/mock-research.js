// Background runs in the harness's fake backend (#20; loaded after mock-cost.js, before
// mock-tauri.js), as the backend runs them: chat_send with `options.background`, a deep preset
// (medium, high, xhigh, deep-research, advanced-deep-research) on a provider whose registry entry
// has `backgroundRuns`, or `#research` in the question, plays its answer as a run: `run` events
// (queued, then in_progress), the searches, sources and text spread over a few seconds, the
// watch channel's `runs` list (at most twice a second for progress), then `done` and `finished`.
// `research_watch` answers with the runs going now and keeps the channel; `research_cancel`
// (and `chat_cancel` of such a request) sends `cancelling`, then `done {finish: "cancelled"}` and
// `finished` with outcome `cancelled`.
// Tags: #hold    the run waits before its usage and `done` until `research.finish(answerId)`
//       #cancelfails  research_cancel answers true, then the run says cancel_failed and goes on
// At run time, window.__mockTauri.research has `runs` (by answer id), `leftOver({title, phase})`
// (a run left going by the last session: a conversation whose answer is saved as `streaming`
// with its text so far and no channel; returns {conversationId, answerId}), `finish(answerId,
// outcome?)`, `open(conversationId, answerId)` (a click on a run's notification) and `watchCalls`.
// ?research=left seeds one such run at start-up, ?research=two two of them.
(() => {
  'use strict';

  const DEEP = new Set(['medium', 'high', 'xhigh', 'deep-research', 'advanced-deep-research']);
  const clone = (value) => JSON.parse(JSON.stringify(value));

  window.__createMockResearch = (params, { history, spec, settings, cost, usage }) => {
    /** @type {Map<string, object>} by answer id */
    const runs = new Map();
    let watch = null;
    let pushTimer = 0;
    let lastPush = 0;
    const state = { runs, watchCalls: 0 };

    const info = (run) => ({
      answerId: run.answerId, conversationId: run.conversationId, title: run.title, model: run.model,
      startedAt: run.startedAt, phase: run.phase, searches: run.searches, sources: run.sources, chars: run.chars,
    });
    const list = () => [...runs.values()].map(info);
    const pushNow = () => {
      clearTimeout(pushTimer);
      pushTimer = 0;
      lastPush = Date.now();
      watch?.onmessage({ event: 'runs', data: { runs: list() } });
    };
    /** Progress at most twice a second; a run starting, changing phase or ending at once. */
    const push = (now = false) => {
      if (now || Date.now() - lastPush >= 500) pushNow();
      else if (!pushTimer) pushTimer = setTimeout(pushNow, 500 - (Date.now() - lastPush));
    };

    state.inBackground = (args, question) =>
      !!spec(settings.provider)?.backgroundRuns
      && (args.options?.background === true || DEEP.has(args.model) || question.includes('#research'));

    const end = (run, outcome) => {
      clearTimeout(run.timer);
      if (!runs.delete(run.answerId)) return;
      push(true);
      watch?.onmessage({ event: 'finished', data: { answerId: run.answerId, conversationId: run.conversationId, title: run.title, outcome } });
    };

    const setPhase = (run, phase, message = null) => {
      run.phase = phase;
      run.send({ event: 'run', data: { id: run.responseId, phase, message } });
      push(true);
    };

    /**
     * Play `steps` (mock-tauri.js's script for the question) as a background run.
     * @param {{requestId: string | null, receipt: object, model: string, question: string, steps: object[], send: Function, running: Map}} how
     */
    state.start = ({ requestId, receipt, model, question, steps, send, running }) => {
      const run = {
        answerId: receipt.assistantMessageId, conversationId: receipt.conversation.id, title: receipt.conversation.title,
        model, startedAt: Date.now(), phase: 'queued', searches: 0, sources: 0, chars: 0,
        responseId: `resp_${Math.random().toString(16).slice(2, 12)}`, timer: 0, send: null, requestId, held: null,
        cancelFails: question.includes('#cancelfails'),
      };
      run.send = (message) => {
        const { event, data } = message;
        if (event === 'searching') {
          run.queries = [...new Set([...(run.queries ?? []), ...data.queries])];
          run.searches = run.queries.length;
        } else if (event === 'sources') run.sources = data.sources.length;
        else if (event === 'delta') run.chars += data.text.length;
        send(message);
        if (event === 'searching' || event === 'sources' || event === 'delta') push();
        if (event === 'done') end(run, data.finish === 'cancelled' ? 'cancelled' : 'completed');
        if (event === 'error') end(run, 'failed');
      };
      runs.set(run.answerId, run);
      if (requestId) running.set(requestId, { timer: 0, send: run.send, research: run });
      const timeline = [
        { delay: 80, run: 'queued' },
        { delay: 1200, run: 'in_progress' },
        ...steps.map((s) => ({ ...s, delay: s.event === 'delta' ? s.delay : s.delay * 3 })),
      ];
      const hold = question.includes('#hold');
      const next = (k) => {
        if (!runs.has(run.answerId)) return;
        if (k >= timeline.length) {
          if (requestId) running.delete(requestId);
          return;
        }
        const step = timeline[k];
        if (hold && step.event === 'usage' && !run.released) {
          run.held = () => next(k);
          return;
        }
        run.timer = setTimeout(() => {
          if (step.run) setPhase(run, step.run);
          else run.send({ event: step.event, data: step.data });
          next(k + 1);
        }, step.delay);
      };
      push(true);
      next(0);
      return run;
    };

    /** research_cancel, and chat_cancel of a background request. */
    const cancel = (answerId) => {
      const run = runs.get(answerId);
      if (!run || run.phase === 'cancelling') return false;
      const before = run.phase;
      setPhase(run, 'cancelling');
      setTimeout(() => {
        if (!runs.has(answerId)) return;
        if (run.cancelFails) {
          setPhase(run, 'cancel_failed', 'Perplexity answered 500 Internal Server Error; the research goes on.');
          setTimeout(() => runs.has(answerId) && setPhase(run, before === 'queued' ? 'in_progress' : before), 1500);
          return;
        }
        clearTimeout(run.timer);
        run.send({ event: 'done', data: { finish: 'cancelled' } });
      }, 400);
      return true;
    };
    state.cancel = cancel;

    /** Let a #hold run (or a left-over one) end: its usage and done, or an error. */
    state.finish = (answerId, outcome = 'completed') => {
      const run = runs.get(answerId);
      if (!run) return false;
      if (outcome === 'failed') {
        clearTimeout(run.timer);
        run.send({ event: 'error', data: { kind: 'server', message: 'The research failed on Perplexity’s side.', retryAfter: null } });
      } else if (outcome === 'interrupted') {
        clearTimeout(run.timer);
        run.send({ event: 'done', data: { finish: 'cancelled' } });
        end(run, 'interrupted');
      } else if (run.held) {
        run.released = true;
        run.held();
      } else {
        run.send({ event: 'delta', data: { text: '\n\nThat is the whole report.' } });
        run.send({ event: 'usage', data: usage });
        run.send({ event: 'done', data: { finish: 'stop' } });
      }
      return true;
    };

    /** A run the last session left going: saved as streaming, followed with no channel. */
    state.leftOver = ({ title = 'Battery chemistry since 2020', phase = 'in_progress' } = {}) => {
      const receipt = history.begin({ conversationId: null, parentId: null, question: title, model: 'medium', options: null });
      const conversationId = receipt.conversation.id;
      const answerId = receipt.assistantMessageId;
      const record = (message) => history.record(conversationId, answerId, message);
      record({ event: 'searching', data: { queries: ['solid-state battery 2025', 'sodium-ion cost per kWh'] } });
      record({ event: 'delta', data: { text: '## Summary so far\n\nSolid-state cells moved from pilot lines to small-volume production' } });
      const run = {
        answerId, conversationId, title: receipt.conversation.title, model: 'medium',
        startedAt: Date.now() - 4 * 60_000 - 7_000, phase, searches: 14, sources: 23, chars: 63,
        responseId: 'resp_leftover', timer: 0, held: null,
      };
      run.send = (message) => {
        record(message);
        if (message.event === 'usage') cost.record({ model: 'medium', total: message.data.cost.total, computed: false, conversationId });
        if (message.event === 'done') end(run, message.data.finish === 'cancelled' ? 'cancelled' : 'completed');
        if (message.event === 'error') end(run, 'failed');
      };
      runs.set(answerId, run);
      push(true);
      return { conversationId, answerId };
    };

    state.open = (conversationId, answerId) => watch?.onmessage({ event: 'open', data: { conversationId, answerId } });

    state.commands = {
      research_watch: ({ onEvent }) => {
        state.watchCalls += 1;
        watch = onEvent;
        return clone(list());
      },
      research_cancel: ({ answerId }) => cancel(answerId),
    };

    if (params.get('research') === 'left' || params.get('research') === 'two') state.leftOver();
    if (params.get('research') === 'two') state.leftOver({ title: 'Grid storage in Europe', phase: 'polling' });
    return state;
  };
})();
