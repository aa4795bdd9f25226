// One-time messages from the backend (`app_status.notices`, e.g. "The settings file was
// damaged…"), shown as dismissible bars at the top of the main column. Each text shows once.

/**
 * @param {HTMLElement} container
 * @returns {{show: (notices: unknown) => void}}
 */
export function bindNotices(container) {
  const shown = new Set();

  /** @param {string} text */
  const add = (text) => {
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
    bar.append(message, dismiss);
    container.append(bar);
    container.hidden = false;
  };

  return {
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
