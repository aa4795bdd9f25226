// A question in the conversation: its text, Edit (an inline editor: Save & send / Cancel, Enter
// sends, Esc cancels) and, once it has been edited, the version switcher. The saved ids come from
// the chat_send receipt or the stored message.

import { actionButton, renderVersions, setControlsBusy } from './turn-actions.js';

/**
 * @typedef {import('../ipc/ipc.js').Versions} Versions
 *
 * @typedef {object} UserTurnHooks
 * @property {(turn: UserTurn, text: string) => boolean | Promise<boolean>} onEdit   Save & send with
 *   the new text; true (at once or later) when it was sent — otherwise the editor stays open
 * @property {(turn: UserTurn, messageId: string) => void} onVersion
 * @property {() => boolean} isBusy   an answer is streaming: no editing now
 */

export class UserTurn {
  /**
   * @param {string} text
   * @param {string | null} parentId  the message this question follows (null: the first one)
   * @param {UserTurnHooks} hooks
   */
  constructor(text, parentId, hooks) {
    this.text = text;
    this.parentId = parentId;
    this.hooks = hooks;
    /** @type {string | null} */
    this.id = null;
    /** @type {Versions | null} */
    this.versions = null;

    this.el = document.createElement('article');
    this.el.className = 'turn turn-user';
    this.el.dataset.testid = 'message-user';
    this.el.setAttribute('aria-label', 'Your question');
    this.bubble = document.createElement('div');
    this.bubble.className = 'user-text';
    this.bubble.textContent = text;
    this.actions = document.createElement('div');
    this.actions.className = 'user-actions';
    this.el.append(this.bubble, this.actions);
    /** @type {HTMLFormElement | null} */
    this.editor = null;
    this.renderActions();
  }

  /**
   * @param {string} id
   * @param {string | null} parentId
   * @param {Versions | null} versions
   */
  setSaved(id, parentId, versions) {
    this.id = id;
    this.parentId = parentId;
    this.versions = versions;
    this.el.dataset.messageId = id;
    this.renderActions();
  }

  renderActions() {
    const edit = actionButton({
      label: 'Edit question',
      icon: 'edit',
      testid: 'edit-question',
      iconOnly: true,
      onClick: () => this.startEdit(),
    });
    edit.dataset.needsIdle = '';
    const versions = renderVersions(this.versions, 'question', (id) => this.hooks.onVersion(this, id));
    this.actions.replaceChildren(...(versions ? [versions] : []), edit);
    setControlsBusy(this.actions, this.hooks.isBusy());
  }

  /** @param {boolean} busy */
  setBusy(busy) {
    setControlsBusy(this.actions, busy);
  }

  startEdit() {
    if (this.editor || this.hooks.isBusy()) return;
    const form = document.createElement('form');
    form.className = 'user-editor';
    form.setAttribute('aria-label', 'Edit question');
    const area = document.createElement('textarea');
    area.className = 'editor-input';
    area.dataset.testid = 'edit-input';
    area.setAttribute('aria-label', 'Edited question');
    area.value = this.text;
    area.rows = Math.min(8, Math.max(2, this.text.split('\n').length));
    const row = document.createElement('div');
    row.className = 'editor-actions';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'btn btn-secondary';
    cancel.dataset.testid = 'edit-cancel';
    cancel.textContent = 'Cancel';
    const send = document.createElement('button');
    send.type = 'submit';
    send.className = 'btn btn-primary btn-compact';
    send.dataset.testid = 'edit-send';
    send.textContent = 'Save & send';
    row.append(cancel, send);
    form.append(area, row);

    const update = () => {
      send.disabled = area.value.trim() === '';
    };
    const submit = () => {
      const text = area.value;
      if (text.trim() === '' || this.hooks.isBusy()) return;
      const sent = this.hooks.onEdit(this, text);
      if (sent === true) this.closeEditor(false);
      else if (sent) sent.then((ok) => ok && this.closeEditor(false));
    };
    area.addEventListener('input', update);
    area.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.closeEditor(true);
      } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submit();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      submit();
    });
    cancel.addEventListener('click', () => this.closeEditor(true));

    this.editor = form;
    this.bubble.hidden = true;
    this.actions.hidden = true;
    this.el.classList.add('is-editing');
    this.bubble.before(form);
    update();
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  /** @param {boolean} restoreFocus  Cancel: focus goes back to the Edit button */
  closeEditor(restoreFocus) {
    if (!this.editor) return;
    this.editor.remove();
    this.editor = null;
    this.bubble.hidden = false;
    this.actions.hidden = false;
    this.el.classList.remove('is-editing');
    if (restoreFocus) /** @type {HTMLElement | null} */ (this.actions.querySelector('[data-testid="edit-question"]'))?.focus();
  }
}
