// The key part of the harness's fake backend (loaded before mock-tauri.js): per account, a key
// in the keyring, in memory for the session, or from the environment, resolved in the backend's
// order, and the four key commands with the backend's sentences. Only last-four characters are
// kept; the harness never needs the key itself.
//   ?key=none|env|keyring|session   the Perplexity key (default env, ends in abcd)
//   ?openaiKey=none|env|keyring|session   the OpenAI-compatible one (default none, ends in wxyz)
//   ?keyring=unavailable            no usable keyring: key_save without sessionOnly is refused
//   ?keytest=ok|auth|network|rate_limit   what key_test answers (store.test changes it later)
(() => {
  'use strict';

  const later = (value, ms) => new Promise((resolve) => setTimeout(() => resolve(value), ms));

  /**
   * @param {URLSearchParams} params
   * @param {Record<string, number>} [modelCounts]  what a successful key_test reports per account
   */
  // accountOf: the registry's account of each provider (mock-tauri.js passes it).
  window.__createMockKeys = (params, modelCounts, accountOf) => {
    // Keys: per account, the last four characters in each place the backend looks, in its order.
    const SOURCES_IN_ORDER = ['keyring', 'session', 'env'];
    const startKey = (source, last4) => {
      const key = { keyring: null, session: null, env: null };
      if (SOURCES_IN_ORDER.includes(source)) key[source] = last4;
      return key;
    };
    const keys = {
      perplexity: startKey(params.get('key') || 'env', 'abcd'),
      openai: startKey(params.get('openaiKey') || 'none', 'wxyz'),
    };
    const keyring = {
      name: 'the system keyring (Secret Service)',
      available: params.get('keyring') !== 'unavailable',
      problem: 'No usable keyring was found: Citewise keeps keys in the Secret Service (GNOME Keyring or KWallet). Install gnome-keyring (or KWallet), make sure it runs in your session and is unlocked, then try again. [Platform secure storage failure: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files]',
    };
    const resolveKey = (account) => {
      // Any other account of the registry starts without a key.
      const key = (keys[account] ??= startKey('none', ''));
      const source = SOURCES_IN_ORDER.find((s) => key[s] && (s !== 'keyring' || keyring.available));
      return source ? { source, last4: key[source] } : { source: 'none', last4: null };
    };
    const keyStatus = (account) => {
      const { source, last4 } = resolveKey(account);
      return {
        account,
        present: source !== 'none',
        source,
        last4,
        keyring: keyring.name,
        keyringAvailable: keyring.available,
        keyringProblem: keyring.available ? null : keyring.problem,
      };
    };
    const keyError = (kind, message) => Promise.reject({ kind, message, retryAfter: null });
    /** What key_save checks, with the backend's sentences. */
    const keyProblem = (raw) => {
      const key = String(raw ?? '').trim();
      if (!key) return 'Paste a key first.';
      if (/\s/.test(key)) return 'The key contains spaces or line breaks; paste just the key.';
      if (!/^[\x21-\x7e]+$/.test(key)) return 'The key contains characters an API key cannot have; paste it again from your account page.';
      if (key.length < 8) return 'That is too short to be an API key.';
      return null;
    };
    const KEY_TESTS = {
      auth: 'Perplexity rejected the API key: it may be mistyped, revoked, or the account may be out of credits.',
      network: 'Could not reach api.perplexity.ai: connection refused.',
      rate_limit: 'Perplexity is rate-limiting requests (Too many requests).',
    };

    const store = {
      keys,
      keyring,
      test: params.get('keytest') || 'ok',
      accountOf,
      resolveKey,
      keyStatus,
      commands: {
        key_status: ({ account }) => later(keyStatus(account), 20),
        key_save: ({ account, key, sessionOnly }) => {
          const problem = keyProblem(key);
          if (problem) return keyError('bad_key', problem);
          const last4 = String(key).trim().slice(-4);
          if (sessionOnly) {
            keys[account].session = last4;
          } else {
            if (!keyring.available) return keyError('keyring_unavailable', keyring.problem);
            keys[account].keyring = last4;
            keys[account].session = null;
          }
          return later(keyStatus(account), 40);
        },
        key_remove: ({ account }) => {
          keys[account].session = null;
          if (keys[account].keyring && !keyring.available) return keyError('keyring_unavailable', keyring.problem);
          keys[account].keyring = null;
          return later(keyStatus(account), 30);
        },
        // The native dialog is the backend's; the page only learns whether the key moved.
        key_confirm_address: () => later(false, 30),
        key_test: ({ account }) => {
          if (resolveKey(account).source === 'none') return keyError('no_key', 'No API key is set.');
          const failure = KEY_TESTS[store.test];
          if (failure) return later(null, 80).then(() => keyError(store.test, failure));
          return later({ ok: true, models: modelCounts[account] ?? 0 }, 80);
        },
      },
    };
    return store;
  };
})();
