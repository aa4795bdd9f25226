// The question box under the conversation: auto-growing textarea, Enter to send (IME-safe),
// Shift+Enter for a newline, and a Send button that turns into Stop while an answer streams.

const MAX_LINES = 8;

/**
 * @param {{form: HTMLFormElement, input: HTMLTextAreaElement, send: HTMLButtonElement, stop: HTMLButtonElement}} els
 * @param {{onSend: (text: string) => boolean, onStop: () => void, onInput?: () => void}} actions
 *   onSend returns whether the question was taken (then the box is cleared); onInput: the text changed
 */
export function bindComposer(els, actions) {
  const { form, input, send, stop } = els;
  let streaming = false;
  stop.hidden = false;
  stop.remove();

  const maxHeight = () => {
    const style = getComputedStyle(input);
    const line = parseFloat(style.lineHeight) || 24;
    return line * MAX_LINES + parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  };

  const autoGrow = () => {
    input.style.height = 'auto';
    const limit = maxHeight();
    const wanted = input.scrollHeight + (input.offsetHeight - input.clientHeight);
    input.style.height = `${Math.min(wanted, limit)}px`;
    input.classList.toggle('is-capped', wanted > limit);
  };

  const updateSend = () => {
    send.disabled = input.value.trim() === '';
  };

  const submit = () => {
    if (streaming || input.value.trim() === '') return;
    if (actions.onSend(input.value)) {
      input.value = '';
      autoGrow();
      updateSend();
      actions.onInput?.();
    }
  };

  input.addEventListener('input', () => {
    autoGrow();
    updateSend();
    actions.onInput?.();
  });
  input.addEventListener('keydown', (event) => {
    // keyCode 229: some engines report the IME's Enter without isComposing.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  stop.addEventListener('click', () => actions.onStop());
  updateSend();

  return {
    /**
     * Swap Send and Stop, keeping keyboard focus somewhere sensible.
     * @param {boolean} on
     */
    setStreaming(on) {
      if (on === streaming) return;
      streaming = on;
      const [from, to] = on ? [send, stop] : [stop, send];
      const hadFocus = document.activeElement === from;
      from.replaceWith(to);
      updateSend();
      if (hadFocus) (on ? stop : input).focus();
    },
    focus() {
      input.focus();
    },
    /** The text in the box. */
    value: () => input.value,
    /**
     * A question sent later (after the budget question): clear the box if it still holds it.
     * @param {string} text
     */
    taken(text) {
      if (input.value !== text) return;
      input.value = '';
      autoGrow();
      updateSend();
      actions.onInput?.();
    },
    /**
     * Put a question back that could not be sent (unless something new was typed meanwhile).
     * @param {string} text
     */
    restore(text) {
      if (input.value.trim() !== '') return;
      input.value = text;
      autoGrow();
      updateSend();
    },
  };
}
