// The inline error banner of an answer: what happened (the backend's sentence), what to do, and
// one button that does it. The UI branches on `kind`, never on message text.

/** @typedef {import('../ipc/ipc.js').IpcError} IpcError */

/** @type {Record<string, {advice: string, action: "retry" | "settings" | "switch"}>} */
const ADVICE = {
  auth: { advice: 'Open Settings to check or replace the key; top up credits if the balance is zero.', action: 'settings' },
  retired: {
    advice: 'Your key and conversations stay. Each Sonar model becomes its Agent API equivalent: sonar → perplexity/sonar with web search, sonar-pro and sonar-reasoning-pro → low (pro search), sonar-deep-research → medium (deep research).',
    action: 'switch',
  },
  forbidden: {
    advice: 'That is Perplexity’s own reason. If it is about your key or account, check them in Settings; otherwise try another model.',
    action: 'settings',
  },
  no_key: { advice: 'Add your API key in Settings, then ask again.', action: 'settings' },
  rate_limit: { advice: 'Wait a moment, then try again.', action: 'retry' },
  network: { advice: 'Check your internet connection or proxy (HTTPS_PROXY), then try again.', action: 'retry' },
  tls: {
    advice: 'Citewise trusts the certificates your system trusts. If your network inspects secure connections, add its root certificate to the system store and restart Citewise.',
    action: 'retry',
  },
  redirect: { advice: 'Check the API address in Settings.', action: 'settings' },
  timeout: { advice: 'The service may be busy; try again in a moment.', action: 'retry' },
  bad_request: { advice: 'Try another model or rephrase the question.', action: 'retry' },
  server: { advice: 'This is on the provider’s side; try again in a moment.', action: 'retry' },
  interrupted: { advice: 'The partial answer is kept above; press Retry for a complete one.', action: 'retry' },
  protocol: { advice: 'Try again; if it keeps happening, the API may have changed.', action: 'retry' },
  too_large: { advice: 'The part that arrived is kept above; ask for a shorter answer or split the question.', action: 'retry' },
};
const FALLBACK = { advice: 'Try again.', action: /** @type {"retry"} */ ('retry') };

/**
 * @param {IpcError} error
 * @param {{onRetry: () => void, onOpenSettings: () => void, onSwitchToAgent?: () => Promise<void> | void}} actions
 * @returns {HTMLElement}
 */
export function renderErrorBanner(error, actions) {
  const { advice, action } = ADVICE[error.kind] ?? FALLBACK;
  const banner = document.createElement('div');
  banner.className = 'error-banner';
  banner.dataset.testid = 'error-banner';
  banner.dataset.kind = String(error.kind);
  banner.setAttribute('role', 'alert');

  const text = document.createElement('div');
  text.className = 'error-text';
  const what = document.createElement('p');
  what.className = 'error-what';
  what.textContent = error.message || 'Something went wrong.';
  const todo = document.createElement('p');
  todo.className = 'error-todo';
  todo.textContent = advice;
  text.append(what, todo);

  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn btn-secondary';
  button.dataset.action = action;
  if (action === 'settings') {
    button.textContent = 'Open Settings';
    button.addEventListener('click', () => actions.onOpenSettings());
  } else if (action === 'switch') {
    button.textContent = 'Switch to the Agent API';
    button.className = 'btn btn-primary';
    button.dataset.testid = 'switch-to-agent';
    button.addEventListener('click', async () => {
      button.disabled = true;
      button.textContent = 'Switching…';
      try {
        await actions.onSwitchToAgent?.();
        button.textContent = 'Switched';
      } catch (err) {
        button.disabled = false;
        button.textContent = 'Switch to the Agent API';
        todo.textContent = `The switch did not happen: ${/** @type {any} */ (err)?.message ?? err}. Try again, or pick the Agent API in Settings.`;
      }
    });
  } else {
    button.textContent = 'Retry';
    button.addEventListener('click', () => actions.onRetry());
    if (error.kind === 'rate_limit' && error.retryAfter && error.retryAfter > 0) {
      startCountdown(button, Math.ceil(error.retryAfter));
    }
  }
  banner.append(text, button);
  return banner;
}

/**
 * "Retry in 12 s", disabled, counting down to a plain "Retry".
 * @param {HTMLButtonElement} button
 * @param {number} seconds
 */
function startCountdown(button, seconds) {
  const until = Date.now() + seconds * 1000;
  button.disabled = true;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    if (left > 0) {
      button.textContent = `Retry in ${left} s`;
      return;
    }
    clearInterval(timer);
    button.disabled = false;
    button.textContent = 'Retry';
  };
  const timer = setInterval(tick, 250);
  tick();
}
