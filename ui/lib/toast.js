// Short-lived messages at the bottom of the window ("Deleted “x”. Undo", "Exported to …"), one at
// a time, each with at most one action. The timer pauses while the pointer or focus is on the
// toast, so a keyboard user can reach its button.

/**
 * @typedef {object} ToastAction
 * @property {string} label
 * @property {string} [testid]
 * @property {() => void} run     the toast closes first
 *
 * @typedef {object} ToastOptions
 * @property {string} text
 * @property {ToastAction} [action]
 * @property {number} [timeout]   ms; default 8000
 * @property {"info" | "warn" | "ok"} [tone]   "ok" (a success) looks like "info"
 */

const DEFAULT_TIMEOUT = 8000;

/**
 * @param {HTMLElement} region  an aria-live="polite" container
 * @returns {{show: (options: ToastOptions) => void, dismiss: () => void}}
 */
export function createToaster(region) {
  /** @type {HTMLElement | null} */
  let current = null;
  let timer = 0;
  let left = 0;
  let started = 0;

  const pause = () => {
    if (!timer) return;
    clearTimeout(timer);
    timer = 0;
    left -= Date.now() - started;
  };
  const resume = () => {
    if (timer || !current || current.matches(':hover, :focus-within')) return;
    started = Date.now();
    timer = window.setTimeout(dismiss, Math.max(left, 1500));
  };

  const dismiss = () => {
    clearTimeout(timer);
    timer = 0;
    if (!current) return;
    const hadFocus = current.contains(document.activeElement);
    current.remove();
    current = null;
    if (hadFocus) /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="composer"]'))?.focus();
  };

  /** @param {ToastOptions} options */
  const show = ({ text, action, timeout = DEFAULT_TIMEOUT, tone = 'info' }) => {
    dismiss();
    const toast = document.createElement('div');
    toast.className = `toast tone-${tone}`;
    toast.dataset.testid = 'toast';
    const message = document.createElement('p');
    message.className = 'toast-text';
    message.textContent = text;
    toast.append(message);
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'toast-action';
      button.textContent = action.label;
      if (action.testid) button.dataset.testid = action.testid;
      button.addEventListener('click', () => {
        dismiss();
        action.run();
      });
      toast.append(button);
    }
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'icon-button toast-close';
    close.setAttribute('aria-label', 'Dismiss');
    close.textContent = '×';
    close.addEventListener('click', dismiss);
    toast.append(close);
    toast.addEventListener('mouseenter', pause);
    toast.addEventListener('focusin', pause);
    toast.addEventListener('mouseleave', () => setTimeout(resume));
    toast.addEventListener('focusout', () => setTimeout(resume));
    toast.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        dismiss();
      }
    });
    region.append(toast);
    current = toast;
    left = timeout;
    started = Date.now();
    timer = window.setTimeout(dismiss, timeout);
  };

  return { show, dismiss };
}
