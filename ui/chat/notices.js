// One-time messages from the backend (`app_status.notices`, e.g. "The settings file was
// damaged…"), shown as dismissible bars at the top of the main column. Each text shows once. A
// bar may carry one action (the switch away from the retired Sonar API).

/**
 * @typedef {object} NoticeAction
 * @property {string} label
 * @property {string} testid
 * @property {() => Promise<string>} run  resolves with what to say once done (the bar stays, without
 *   the button); a rejection's message is shown and the button offered again
 */

/**
 * @param {HTMLElement} container
 * @returns {{show: (notices: unknown) => void, offer: (text: string, action: NoticeAction) => {settle: (text: string) => void}}}
 */
export function bindNotices(container) {
  const shown = new Set();

  /**
   * @param {string} text @param {NoticeAction} [action]
   * @returns {{settle: (text: string) => void}}  says the action is done (from elsewhere too)
   */
  const add = (text, action) => {
    const bar = document.createElement('div');
    bar.className = 'notice';
    bar.dataset.testid = 'notice';
    bar.setAttribute('role', 'status');
    const message = document.createElement('p');
    message.className = 'notice-text';
    message.textContent = text;
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'icon-button notice-dismiss';
    dismiss.setAttribute('aria-label', 'Dismiss this notice');
    dismiss.title = 'Dismiss';
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'icon');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M4 4l8 8M12 4l-8 8');
    svg.append(path);
    dismiss.append(svg);
    dismiss.addEventListener('click', () => {
      const next = bar.nextElementSibling ?? bar.previousElementSibling;
      bar.remove();
      container.hidden = container.childElementCount === 0;
      const focusTarget = next?.querySelector('button') ?? document.querySelector('[data-testid="composer"]');
      /** @type {HTMLElement | null} */ (focusTarget)?.focus();
    });
    bar.append(message);
    const button = action ? actionButton(bar, message, action) : null;
    if (button) bar.append(button);
    bar.append(dismiss);
    container.append(bar);
    container.hidden = false;
    return {
      settle(done) {
        message.textContent = done;
        bar.dataset.done = 'true';
        button?.remove();
      },
    };
  };

  return {
    offer(text, action) {
      shown.add(text);
      return add(text, action);
    },
    show(notices) {
      if (!Array.isArray(notices)) return;
      for (const text of notices) {
        if (typeof text !== 'string' || !text.trim() || shown.has(text)) continue;
        shown.add(text);
        add(text);
      }
    },
  };
}

/** @param {HTMLElement} bar @param {HTMLElement} message @param {NoticeAction} action */
function actionButton(bar, message, action) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'btn btn-primary notice-action';
  button.dataset.testid = action.testid;
  button.textContent = action.label;
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      message.textContent = await action.run();
      bar.dataset.done = 'true';
      button.remove();
    } catch (err) {
      message.textContent = `${/** @type {any} */ (err)?.message ?? err} Try again, or change the provider in Settings.`;
      button.disabled = false;
    }
  });
  return button;
}
