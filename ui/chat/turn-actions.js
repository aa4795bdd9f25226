// Small controls shared by user turns and answers: the version switcher ("‹ 2 / 3 ›"), quiet
// action buttons with an icon, and copying text to the clipboard.

/** @typedef {import('../ipc/ipc.js').Versions} Versions */

const SVG = 'http://www.w3.org/2000/svg';

export const ICONS = {
  copy: 'M5.5 5.5h7v7h-7zM3.5 10.5v-7h7',
  check: 'M3.5 8.5l3 3 6-7',
  regenerate: 'M12.5 6A5 5 0 1 0 13 9.5M12.5 2.5V6H9',
  edit: 'M10.5 3.5l2 2-7 7H3.5v-2zM9 5l2 2',
  retry: 'M12.5 6A5 5 0 1 0 13 9.5M12.5 2.5V6H9',
  prev: 'M10 3.5L5.5 8l4.5 4.5',
  next: 'M6 3.5L10.5 8 6 12.5',
  more: 'M3.5 8h.01M8 8h.01M12.5 8h.01',
  search: 'M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10zM10.6 10.6L14 14',
  pin: 'M6 2.5h4M7 2.5v4L4.5 9.5h7L9 6.5v-4M8 9.5v4',
};

/**
 * @param {keyof typeof ICONS} name
 * @returns {SVGSVGElement}
 */
export function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', `icon icon-${name}`);
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/**
 * A quiet button: icon, and a visible label unless `iconOnly` (then the label is its name).
 * @param {{label: string, icon: keyof typeof ICONS, testid?: string, iconOnly?: boolean, onClick: () => void}} spec
 * @returns {HTMLButtonElement}
 */
export function actionButton({ label, icon: name, testid, iconOnly = false, onClick }) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = iconOnly ? 'turn-action icon-only' : 'turn-action';
  if (testid) button.dataset.testid = testid;
  button.append(icon(name));
  if (iconOnly) {
    button.setAttribute('aria-label', label);
    button.title = label;
  } else {
    const span = document.createElement('span');
    span.textContent = label;
    button.append(span);
  }
  button.addEventListener('click', onClick);
  return button;
}

/**
 * "‹ 2 / 3 ›" for a message with siblings; null when there is only one version.
 * @param {Versions | null} versions
 * @param {string} what   "question" or "answer", for the group's name
 * @param {(messageId: string) => void} onPick
 * @returns {HTMLElement | null}
 */
export function renderVersions(versions, what, onPick) {
  if (!versions || versions.count < 2 || !Array.isArray(versions.siblings)) return null;
  const { index, count, siblings } = versions;
  const group = document.createElement('span');
  group.className = 'versions';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', `Versions of this ${what}`);
  /**
   * @param {number} delta
   * @param {'prev' | 'next'} name
   * @param {string} label
   * @param {string} testid
   */
  const step = (delta, name, label, testid) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'turn-action icon-only';
    button.dataset.testid = testid;
    button.setAttribute('aria-label', label);
    button.title = label;
    button.append(icon(name));
    const target = siblings[index + delta];
    button.dataset.edge = String(!target);
    button.disabled = !target;
    button.addEventListener('click', () => {
      if (target) onPick(target);
    });
    return button;
  };
  const label = document.createElement('span');
  label.className = 'version-label';
  label.dataset.testid = 'version-label';
  label.textContent = `${index + 1} / ${count}`;
  label.title = `Version ${index + 1} of ${count}`;
  group.append(step(-1, 'prev', 'Previous version', 'version-prev'), label, step(1, 'next', 'Next version', 'version-next'));
  return group;
}

/**
 * Enable or disable the controls of a turn that need the conversation to be idle (nothing
 * streaming); version buttons at the first or last version stay disabled.
 * @param {HTMLElement} root
 * @param {boolean} busy
 */
export function setControlsBusy(root, busy) {
  for (const button of root.querySelectorAll('.versions button, [data-needs-idle]')) {
    /** @type {HTMLButtonElement} */ (button).disabled = busy || /** @type {HTMLElement} */ (button).dataset.edge === 'true';
  }
}

/**
 * Put text on the clipboard; falls back to a hidden textarea where the async API is missing.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
export async function copyText(text) {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  const focused = /** @type {HTMLElement | null} */ (document.activeElement);
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  focused?.focus();
  return ok;
}

/**
 * Show "Copied" on a button for a moment.
 * @param {HTMLButtonElement} button
 * @param {boolean} ok
 */
export function flashCopied(button, ok) {
  const label = button.querySelector('span');
  if (!label) return;
  const before = button.dataset.label ?? label.textContent ?? '';
  button.dataset.label = before;
  label.textContent = ok ? 'Copied' : 'Copy failed';
  button.querySelector('svg')?.replaceWith(icon(ok ? 'check' : 'copy'));
  setTimeout(() => {
    label.textContent = before;
    button.querySelector('svg')?.replaceWith(icon('copy'));
  }, 1500);
}
