// Which key does what (ui/app/shortcuts.js): the decision alone, for every shortcut and the places it
// must not fire (a ? typed into a text field, Escape with nothing streaming, an IME composing).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import './dom.mjs';

const { shortcutFor, keyLabels, SHORTCUTS } = await import('../../ui/app/shortcuts.js');

const idle = { inText: false, composerEmpty: false, dialogOpen: false, streaming: false };
const key = (k, mods = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, isComposing: false, ...mods });

test('Ctrl and Cmd shortcuts, whatever has focus', () => {
  const inComposer = { ...idle, inText: true };
  for (const mod of [{ ctrlKey: true }, { metaKey: true }]) {
    assert.equal(shortcutFor(key('n', mod), inComposer), 'new-chat');
    assert.equal(shortcutFor(key('N', mod), inComposer), 'new-chat', 'Caps Lock');
    assert.equal(shortcutFor(key('k', mod), inComposer), 'search');
    assert.equal(shortcutFor(key(',', mod), inComposer), 'settings');
    assert.equal(shortcutFor(key('/', mod), inComposer), 'help');
    assert.equal(shortcutFor(key('C', { ...mod, shiftKey: true }), inComposer), 'copy-answer');
    assert.equal(shortcutFor(key('c', mod), inComposer), null, 'plain Ctrl+C copies the selection');
    assert.equal(shortcutFor(key('n', { ...mod, shiftKey: true }), inComposer), null);
    assert.equal(shortcutFor(key('n', { ...mod, altKey: true }), inComposer), null);
  }
});

test('Escape stops only a streaming answer, and not from inside a sheet', () => {
  assert.equal(shortcutFor(key('Escape'), { ...idle, streaming: true }), 'stop');
  assert.equal(shortcutFor(key('Escape'), { ...idle, streaming: true, inText: true }), 'stop', 'from the composer too');
  assert.equal(shortcutFor(key('Escape'), idle), null);
  assert.equal(shortcutFor(key('Escape'), { ...idle, streaming: true, dialogOpen: true }), null, 'the sheet closes instead');
  assert.equal(shortcutFor(key('Escape', { isComposing: true }), { ...idle, streaming: true }), null, 'the IME cancels instead');
});

test('Up edits the last question only from an empty composer', () => {
  assert.equal(shortcutFor(key('ArrowUp'), { ...idle, inText: true, composerEmpty: true }), 'edit-last');
  assert.equal(shortcutFor(key('ArrowUp'), { ...idle, inText: true }), null, 'text in the box: the caret moves');
  assert.equal(shortcutFor(key('ArrowUp'), idle), null, 'the list or the answer scrolls');
  assert.equal(shortcutFor(key('ArrowUp', { shiftKey: true }), { ...idle, inText: true, composerEmpty: true }), null);
});

test('? shows the shortcuts, except where it is a character someone types', () => {
  assert.equal(shortcutFor(key('?', { shiftKey: true }), idle), 'help');
  assert.equal(shortcutFor(key('?', { shiftKey: true }), { ...idle, inText: true }), null);
  assert.equal(shortcutFor(key('?', { shiftKey: true }), { ...idle, dialogOpen: true }), null);
  assert.equal(shortcutFor(key('a'), idle), null);
});

test('key labels follow the platform', () => {
  assert.deepEqual(keyLabels(['Mod', 'Shift', 'C'], false), ['Ctrl', 'Shift', 'C']);
  assert.deepEqual(keyLabels(['Mod', 'Shift', 'C'], true), ['⌘', '⇧', 'C']);
  assert.deepEqual(keyLabels(['Esc'], true), ['Esc']);
});

test('every shortcut the handler knows is on the sheet', () => {
  const listed = new Set(SHORTCUTS.map((s) => s.action));
  for (const action of ['new-chat', 'search', 'settings', 'stop', 'copy-answer', 'edit-last', 'help']) {
    assert.ok(listed.has(action), action);
  }
});
