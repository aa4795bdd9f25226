// The "⋯" menu of a sidebar conversation: one shared popup (never one per item), opened next to
// the item's menu button. Arrow keys move, Enter or Space picks, Esc or Tab closes and focus goes
// back to the button.

/**
 * @typedef {"rename" | "pin" | "export-markdown" | "export-json" | "delete"} MenuAction
 * @typedef {{action: MenuAction, label: string}} MenuEntry
 */

/**
 * @param {HTMLElement} host  where the popup lives (inside the sidebar, so the drawer stays open)
 * @returns {{open: (anchor: HTMLElement, entries: MenuEntry[], onPick: (action: MenuAction) => void) => void, close: () => void}}
 */
export function createConversationMenu(host) {
  const menu = document.createElement('div');
  menu.className = 'menu';
  menu.id = 'conversation-actions';
  menu.setAttribute('role', 'menu');
  menu.hidden = true;
  host.append(menu);
  /** @type {HTMLElement | null} */
  let anchor = null;
  /** @type {((action: MenuAction) => void) | null} */
  let pick = null;

  const items = () => /** @type {HTMLButtonElement[]} */ ([...menu.querySelectorAll('[role="menuitem"]')]);

  const close = (focusAnchor = false) => {
    if (menu.hidden) return;
    menu.hidden = true;
    anchor?.setAttribute('aria-expanded', 'false');
    anchor?.classList.remove('is-open');
    if (focusAnchor && anchor?.isConnected) anchor.focus();
    anchor = null;
    pick = null;
  };

  const place = () => {
    if (!anchor) return;
    const r = anchor.getBoundingClientRect();
    const width = menu.offsetWidth;
    const height = menu.offsetHeight;
    const left = Math.max(8, Math.min(r.right - width, window.innerWidth - width - 8));
    let top = r.bottom + 4;
    if (top + height > window.innerHeight - 8) top = Math.max(8, r.top - height - 4);
    menu.style.left = `${left}px`;
    menu.style.top = `${top}px`;
  };

  menu.addEventListener('click', (event) => {
    const item = event.target instanceof Element ? event.target.closest('[role="menuitem"]') : null;
    if (!item || !pick) return;
    const run = pick;
    close(true); // focus back on the "⋯" button first: Rename and Delete move it on from there
    run(/** @type {MenuAction} */ (/** @type {HTMLElement} */ (item).dataset.action));
  });

  menu.addEventListener('keydown', (event) => {
    const list = items();
    const at = list.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    const move = (/** @type {number} */ to) => list[(to + list.length) % list.length]?.focus();
    if (event.key === 'ArrowDown') move(at + 1);
    else if (event.key === 'ArrowUp') move(at - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(list.length - 1);
    else if (event.key === 'Escape') close(true);
    else if (event.key === 'Tab' || event.code === 'Tab') {
      close(true);
    } else return;
    event.preventDefault();
    event.stopPropagation();
  });

  document.addEventListener('pointerdown', (event) => {
    const target = /** @type {Node} */ (event.target);
    if (!menu.hidden && !menu.contains(target) && !anchor?.contains(target)) close(false);
  });
  window.addEventListener('resize', () => close(false));
  host.addEventListener('scroll', () => close(false), true);

  return {
    open(nextAnchor, entries, onPick) {
      const reopen = anchor === nextAnchor && !menu.hidden;
      close(false);
      if (reopen) return;
      anchor = nextAnchor;
      pick = onPick;
      menu.setAttribute('aria-label', nextAnchor.getAttribute('aria-label') ?? 'Actions');
      menu.replaceChildren(
        ...entries.map(({ action, label }) => {
          const item = document.createElement('button');
          item.type = 'button';
          item.setAttribute('role', 'menuitem');
          item.className = action === 'delete' ? 'menu-item is-danger' : 'menu-item';
          item.dataset.action = action;
          item.dataset.testid = `menu-${action}`;
          item.tabIndex = -1;
          item.textContent = label;
          return item;
        }),
      );
      menu.hidden = false;
      nextAnchor.setAttribute('aria-expanded', 'true');
      nextAnchor.classList.add('is-open');
      place();
      items()[0]?.focus();
    },
    close: () => close(false),
  };
}
