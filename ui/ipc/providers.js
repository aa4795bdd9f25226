// The provider registry, as the backend describes it (`providers_get`): labels, accounts,
// built-in models and presets, addresses and the words around keys. Loaded once at start-up;
// everything in the window that depends on a provider asks here instead of keeping its own copy.

import { providersGet } from './ipc.js';

/**
 * @typedef {import('./ipc.js').Provider} Provider
 * @typedef {import('./ipc.js').Account} Account
 * @typedef {import('./ipc.js').ModelList} ModelList
 * @typedef {import('./ipc.js').ProviderSpec} ProviderSpec
 * @typedef {import('./ipc.js').AccountSpec} AccountSpec
 * @typedef {import('./ipc.js').Registry} Registry
 */

/** @type {Registry | null} */
let registry = null;

/**
 * Asks the backend once; later calls return the same registry.
 * @returns {Promise<Registry>}
 */
export async function loadProviders() {
  registry ??= await providersGet();
  return registry;
}

/** Whether the registry is here (loadProviders resolved). */
export function providersLoaded() {
  return registry !== null;
}

/** @returns {Registry} */
function loaded() {
  if (!registry) throw new Error('Citewise: the provider registry is not loaded yet');
  return registry;
}

/** Every provider, in the order Settings lists them. */
export function providers() {
  return loaded().providers;
}

/** Every account, in the order Settings lists them. */
export function accounts() {
  return loaded().accounts;
}

/**
 * @param {Provider} id
 * @returns {ProviderSpec}
 */
export function providerSpec(id) {
  const all = loaded().providers;
  return all.find((p) => p.id === id) ?? all[0];
}

/**
 * @param {Account} id
 * @returns {AccountSpec}
 */
export function accountSpec(id) {
  const all = loaded().accounts;
  return all.find((a) => a.id === id) ?? all[0];
}

/**
 * The account whose key a provider uses.
 * @param {Provider} provider
 * @returns {Account}
 */
export function accountFor(provider) {
  return providerSpec(provider).account;
}

/**
 * The list built into the backend, for a provider the window shows before it was asked
 * (`models_list` only answers for the saved provider).
 * @param {Provider} provider
 * @returns {ModelList}
 */
export function builtinList(provider) {
  const spec = providerSpec(provider);
  return { presets: [...spec.presets], models: [...spec.builtinModels], details: [], source: 'builtin', error: null };
}
