// The empty state's content. With no key for the provider in use, the key form itself is the
// welcome: where to get a key, the field and Save. Once a key is saved it turns into the usual
// welcome with example questions, saying where the key went. (Whether the empty state shows at
// all is conversation-view.js's business: it hides once a conversation starts.)

import { accountFor, accountSpec } from '../ipc/providers.js';
import { createKeyForm } from '../settings/key-form.js';
import { keyStatusText } from '../settings/key-text.js';

/**
 * @typedef {import('../ipc/ipc.js').AppStatus} AppStatus
 * @typedef {import('../ipc/ipc.js').KeyStatus} KeyStatus
 * @typedef {import('../settings/key-text.js').KeyResult} KeyResult
 *
 * @typedef {object} WelcomeElements
 * @property {HTMLElement} root        the empty state
 * @property {HTMLElement} keyPanel    the welcome with the key form
 * @property {HTMLElement} readyPanel  the welcome with example questions
 * @property {HTMLElement} notice      a status line in the ready panel ("Key saved …")
 */

/**
 * @param {WelcomeElements} els
 * @param {{onKeyChange: (status: KeyStatus) => void, idle: () => boolean}} hooks
 *   idle: nothing typed and no sheet open, so the key field may take focus
 */
export function bindWelcome(els, hooks) {
  const { root, keyPanel, readyPanel, notice } = els;
  const title = /** @type {HTMLElement} */ (keyPanel.querySelector('.welcome'));
  const intro = /** @type {HTMLElement} */ (keyPanel.querySelector('[data-part="intro"]'));
  const steps = /** @type {HTMLElement} */ (keyPanel.querySelector('[data-part="steps"]'));
  const slot = /** @type {HTMLElement} */ (keyPanel.querySelector('[data-part="form"]'));
  /** What to say in the ready panel once, after a key was saved here. */
  let saved = '';

  const keys = createKeyForm({
    prefix: 'welcome-',
    full: false,
    onChange: (status) => {
      if (status.present) saved = `Key saved. ${keyStatusText(status)}.`;
      hooks.onKeyChange(status);
    },
  });
  slot.replaceChildren(keys.el);

  /** @param {boolean} needsKey */
  const show = (needsKey) => {
    keyPanel.hidden = !needsKey;
    readyPanel.hidden = needsKey;
    root.setAttribute('aria-labelledby', (needsKey ? title : /** @type {HTMLElement} */ (readyPanel.querySelector('.welcome'))).id);
    root.dataset.mode = needsKey ? 'key' : 'ready';
  };

  /** @param {import('../ipc/ipc.js').Provider} provider */
  const showKeyForm = async (provider) => {
    const account = accountFor(provider);
    const copy = accountSpec(account);
    title.textContent = copy.welcomeTitle;
    intro.textContent = copy.welcomeIntro;
    steps.hidden = !copy.welcomeSteps;
    const wasHidden = keyPanel.hidden;
    show(true);
    await keys.setAccount(account, wasHidden);
    // On the first run the key is the first thing to do: start there unless the person is busy.
    if (wasHidden && hooks.idle()) keys.focus();
  };

  return {
    /**
     * Follow app_status: the key form while the provider in use has no key.
     * @param {AppStatus} status
     */
    async render(status) {
      if (status.keySource === 'none') {
        notice.textContent = '';
        await showKeyForm(status.provider);
        return;
      }
      keys.reset();
      show(false);
      notice.textContent = saved;
      saved = '';
    },

    /**
     * The backend said there is no key although a question was sent: show the form, say why,
     * and put the cursor in the field.
     * @param {import('../ipc/ipc.js').Provider} provider
     * @param {KeyResult} message
     */
    async needKey(provider, message) {
      notice.textContent = '';
      await showKeyForm(provider);
      keys.say(message);
      keys.focus();
    },

    /** The usual welcome, when the status could not be read (both panels start hidden). */
    showReady: () => show(false),
    focus: () => keys.focus(),
  };
}
