// The left sidebar as a whole: New chat, Search, the saved conversations (history/conversation-list.js) and
// the footer. Below 900 px it becomes a drawer behind a toggle button in the header.

const NARROW = '(max-width: 899px)';

/**
 * @param {{app: HTMLElement, sidebar: HTMLElement, toggle: HTMLButtonElement}} els
 * @returns {{close: () => void}}
 */
export function bindSidebar({ app, sidebar, toggle }) {
  const narrow = window.matchMedia(NARROW);

  const setOpen = (/** @type {boolean} */ open) => {
    app.classList.toggle('sidebar-open', open);
    toggle.setAttribute('aria-expanded', String(open));
    if (narrow.matches) sidebar.inert = !open;
  };

  const sync = () => {
    sidebar.inert = false;
    setOpen(false);
  };

  toggle.addEventListener('click', () => {
    const open = !app.classList.contains('sidebar-open');
    setOpen(open);
    if (open) /** @type {HTMLElement | null} */ (sidebar.querySelector('button'))?.focus();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && narrow.matches && app.classList.contains('sidebar-open')) {
      setOpen(false);
      toggle.focus();
    }
  });
  document.addEventListener('pointerdown', (event) => {
    const target = /** @type {Node} */ (event.target);
    if (narrow.matches && app.classList.contains('sidebar-open') && !sidebar.contains(target) && !toggle.contains(target)) {
      setOpen(false);
    }
  });
  narrow.addEventListener('change', sync);
  sync();

  return {
    close: () => {
      if (narrow.matches) setOpen(false);
    },
  };
}
