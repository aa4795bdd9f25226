// Code blocks in answers: syntax highlighting with highlight.js (a fixed set of grammars, see
// scripts/vendor.mjs) and the header above each block with its language and a Copy button.
//
// Highlighting only happens for a fence that names a language we ship (```py, ```rust…); there is
// no auto-detection. Guessing runs every grammar over the block, which is slow on the streamed
// tail (re-rendered every frame), often wrong on the short snippets answers contain, and would
// flip colours while a block streams in. An unlabelled or unknown block is plain monospace.

import hljs from '../vendor/highlight.js/core.mjs';
import bash from '../vendor/highlight.js/languages/bash.js';
import c from '../vendor/highlight.js/languages/c.js';
import cpp from '../vendor/highlight.js/languages/cpp.js';
import csharp from '../vendor/highlight.js/languages/csharp.js';
import css from '../vendor/highlight.js/languages/css.js';
import diff from '../vendor/highlight.js/languages/diff.js';
import dockerfile from '../vendor/highlight.js/languages/dockerfile.js';
import go from '../vendor/highlight.js/languages/go.js';
import graphql from '../vendor/highlight.js/languages/graphql.js';
import ini from '../vendor/highlight.js/languages/ini.js';
import java from '../vendor/highlight.js/languages/java.js';
import javascript from '../vendor/highlight.js/languages/javascript.js';
import json from '../vendor/highlight.js/languages/json.js';
import kotlin from '../vendor/highlight.js/languages/kotlin.js';
import latex from '../vendor/highlight.js/languages/latex.js';
import lua from '../vendor/highlight.js/languages/lua.js';
import makefile from '../vendor/highlight.js/languages/makefile.js';
import markdown from '../vendor/highlight.js/languages/markdown.js';
import perl from '../vendor/highlight.js/languages/perl.js';
import php from '../vendor/highlight.js/languages/php.js';
import plaintext from '../vendor/highlight.js/languages/plaintext.js';
import powershell from '../vendor/highlight.js/languages/powershell.js';
import python from '../vendor/highlight.js/languages/python.js';
import r from '../vendor/highlight.js/languages/r.js';
import ruby from '../vendor/highlight.js/languages/ruby.js';
import rust from '../vendor/highlight.js/languages/rust.js';
import scss from '../vendor/highlight.js/languages/scss.js';
import shell from '../vendor/highlight.js/languages/shell.js';
import sql from '../vendor/highlight.js/languages/sql.js';
import swift from '../vendor/highlight.js/languages/swift.js';
import typescript from '../vendor/highlight.js/languages/typescript.js';
import xml from '../vendor/highlight.js/languages/xml.js';
import yaml from '../vendor/highlight.js/languages/yaml.js';
import { copyText, icon } from '../chat/turn-actions.js';

const GRAMMARS = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, graphql, ini, java, javascript, json, kotlin,
  latex, lua, makefile, markdown, perl, php, plaintext, powershell, python, r, ruby, rust, scss,
  shell, sql, swift, typescript, xml, yaml,
};
for (const [name, grammar] of Object.entries(GRAMMARS)) hljs.registerLanguage(name, grammar);

/** Larger blocks are shown plain: highlighting them every frame while they stream is not worth it. */
const MAX_HIGHLIGHT = 50_000;

/**
 * markdown-it's `highlight` option: highlighted HTML for a known language, '' for "escape it
 * yourself". highlight.js escapes the code; its output is sanitized with the rest anyway.
 * @param {string} code
 * @param {string} lang  the fence's first word
 * @returns {string}
 */
export function highlightCode(code, lang) {
  if (!lang || code.length > MAX_HIGHLIGHT || !hljs.getLanguage(lang)) return '';
  try {
    return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  } catch {
    return '';
  }
}

/**
 * The label for a fence's language: the grammar's own name when we ship it ("py" → "Python"),
 * the fence's word in capitals when that name covers a family ("HTML, XML", "TOML, also INI"),
 * else what the fence said.
 * @param {string} lang
 */
export function languageLabel(lang) {
  if (!lang) return 'Code';
  const name = hljs.getLanguage(lang)?.name;
  if (!name) return lang;
  return name.includes(',') ? lang.toUpperCase() : name;
}

/** @param {HTMLButtonElement} button @param {HTMLElement} status @param {boolean} ok */
function showCopied(button, status, ok) {
  const label = /** @type {HTMLElement} */ (button.querySelector('span'));
  label.textContent = ok ? 'Copied' : 'Copy failed';
  status.textContent = ok ? 'Copied' : 'Copy failed';
  button.querySelector('svg')?.replaceWith(icon(ok ? 'check' : 'copy'));
  clearTimeout(Number(button.dataset.timer));
  button.dataset.timer = String(
    setTimeout(() => {
      label.textContent = 'Copy';
      status.textContent = '';
      button.querySelector('svg')?.replaceWith(icon('copy'));
    }, 1500),
  );
}

/**
 * Put each sanitized `<pre><code class="language-x">` in a block with a header: the language and
 * a Copy button that copies the code as written (the text, not the highlighting).
 * @param {ParentNode} root
 */
export function decorateCodeBlocks(root) {
  for (const pre of root.querySelectorAll('pre')) {
    const code = pre.querySelector(':scope > code');
    if (!code || pre.parentElement?.classList.contains('code-block')) continue;
    const lang = [...code.classList].find((name) => name.startsWith('language-'))?.slice('language-'.length) ?? '';
    if (code.querySelector('[class^="hljs-"]')) code.classList.add('hljs');

    const block = document.createElement('div');
    block.className = 'code-block';
    const head = document.createElement('div');
    head.className = 'code-head';
    const label = document.createElement('span');
    label.className = 'code-lang';
    label.textContent = languageLabel(lang);
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'code-copy';
    button.dataset.testid = 'copy-code';
    button.setAttribute('aria-label', lang ? `Copy ${languageLabel(lang)} code` : 'Copy code');
    const text = document.createElement('span');
    text.textContent = 'Copy';
    button.append(icon('copy'), text);
    const status = document.createElement('span');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    button.addEventListener('click', async () => showCopied(button, status, await copyText(code.textContent ?? '')));
    head.append(label, button, status);

    pre.replaceWith(block);
    block.append(head, pre);
  }
}
