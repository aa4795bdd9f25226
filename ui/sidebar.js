// The left sidebar: New chat, the conversation list and the footer. Below 900 px it becomes a
// drawer behind a toggle button in the header. The list shows only the current in-memory
// conversation until saved history arrives.

const NARROW = '(max-width: 899px)';

/**
 * @param {{app: HTMLElement, sidebar: HTMLElement, toggle: HTMLButtonElement}} els
 * @returns {{close: () => void}}
 */
export function bindSidebar({ app, sidebar, toggle }) {
  const narrow = window.matchMedia(NARROW);

  const setOpen = (open) => {
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

/**
 * @param {HTMLElement} list  the <ul> of conversations
 * @param {string | null} title  the current conversation's title, null before the first question
 */
export function renderConversationList(list, title) {
  list.replaceChildren();
  const section = list.closest('section');
  if (section) section.hidden = !title;
  if (!title) return;
  const item = document.createElement('li');
  item.className = 'conversation-item is-current';
  item.dataset.testid = 'conversation-item';
  item.setAttribute('aria-current', 'true');
  item.textContent = title;
  item.title = title;
  list.append(item);
}
