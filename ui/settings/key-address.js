// A key saved for another address than the one in Settings is not sent (the backend refuses with
// `key_elsewhere`). The person decides in a native dialog the backend opens, which a script in the
// page cannot click; this only says what is going on and what came of it.

import { keyConfirmAddress } from '../ipc/ipc.js';

/**
 * @param {import('../ipc/ipc.js').IpcError} error  the key_elsewhere refusal (its message names both addresses)
 * @param {import('../ipc/ipc.js').Account} account
 * @param {boolean} questionBack  the question went back into the question box
 * @param {{show: (toast: {text: string, tone: "info" | "warn" | "ok", timeout?: number}) => void}} toast
 * @returns {Promise<boolean>}  true when the key may now go to the new address
 */
export async function confirmKeyAddress(error, account, questionBack, toast) {
  toast.show({ text: `${error.message} Citewise is asking you in a separate window.`, tone: 'warn', timeout: 12_000 });
  let moved = false;
  try {
    moved = await keyConfirmAddress(account);
  } catch (err) {
    toast.show({ text: `The key stays where it was: ${/** @type {any} */ (err)?.message ?? err}`, tone: 'warn' });
    return false;
  }
  const again = questionBack ? ' Your question is back in the question box: send it again.' : '';
  toast.show(moved
    ? { text: `Your key now goes to the new address.${again}`, tone: 'ok' }
    : { text: 'Your key stays with the address it was saved for. Check the API address in Settings, or enter the key again there.', tone: 'info', timeout: 12_000 });
  return moved;
}
