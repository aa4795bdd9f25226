// The package's own types, for tsc (make lint); written by scripts/vendor.mjs.
import type { LanguageFn } from 'highlight.js';
declare const language: LanguageFn;
export default language;
