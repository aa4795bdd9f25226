// The model picker in the header. A built-in list for now; the list fetched from the provider
// (GET /v1/models) and the Sonar ids join it in a later step.

/** @typedef {{id: string, label: string, description: string}} ModelChoice */

/** @type {{group: string, models: ModelChoice[]}[]} */
export const MODEL_GROUPS = [
  {
    group: 'Agent API presets',
    models: [
      { id: 'fast', label: 'fast — quick answers', description: 'Quick answers with a light web search' },
      { id: 'low', label: 'low — light research', description: 'A few searches, short answers' },
      { id: 'medium', label: 'medium — balanced', description: 'Balanced research depth and speed' },
      { id: 'high', label: 'high — deep research', description: 'More searches and longer reasoning' },
      { id: 'xhigh', label: 'xhigh — deepest, slowest', description: 'The most thorough research; slowest and costliest' },
    ],
  },
  {
    group: 'Agent API models',
    models: [
      { id: 'perplexity/sonar', label: 'perplexity/sonar', description: 'Perplexity’s own search-grounded model' },
      { id: 'openai/gpt-5.4', label: 'openai/gpt-5.4', description: 'OpenAI GPT-5.4 through the Agent API' },
      { id: 'anthropic/claude-sonnet-4-6', label: 'anthropic/claude-sonnet-4-6', description: 'Anthropic Claude Sonnet 4.6 through the Agent API' },
    ],
  },
];

export const FALLBACK_MODEL = 'fast';

function option(id, label, description) {
  const node = document.createElement('option');
  node.value = id;
  node.textContent = label;
  node.title = description;
  return node;
}

/**
 * Fill the picker and select `preferred` (the backend's configured default). A default that is
 * not in the built-in list is offered under its own group rather than silently replaced.
 * @param {HTMLSelectElement} select
 * @param {string | null | undefined} preferred
 */
export function renderModelPicker(select, preferred) {
  const current = preferred || FALLBACK_MODEL;
  select.replaceChildren();
  for (const { group, models } of MODEL_GROUPS) {
    const optgroup = document.createElement('optgroup');
    optgroup.label = group;
    for (const m of models) optgroup.append(option(m.id, m.label, m.description));
    select.append(optgroup);
  }
  const known = MODEL_GROUPS.some(({ models }) => models.some((m) => m.id === current));
  if (!known) {
    const optgroup = document.createElement('optgroup');
    optgroup.label = 'Configured default';
    optgroup.append(option(current, current, 'The default model set in the backend configuration'));
    select.append(optgroup);
  }
  select.value = current;
  const describe = () => {
    select.title = /** @type {HTMLOptionElement | undefined} */ (select.selectedOptions[0])?.title ?? '';
  };
  select.addEventListener('change', describe);
  describe();
}
