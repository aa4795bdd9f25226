// The package's own types, for tsc (make lint); written by scripts/vendor.mjs.
export { default } from 'katex';
