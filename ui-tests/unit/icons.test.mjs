// The app's icons: every file the bundles name is there at the size its name says, all drawn from
// icons/source/citewise.svg by scripts/icons.sh (which also copies the mark for the About dialog).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path) => readFileSync(join(ROOT, path));
const { bundle } = JSON.parse(read('tauri.conf.json'));

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf) {
  assert.equal(buf.subarray(1, 4).toString('latin1'), 'PNG', 'a PNG file');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

test('each PNG the bundles name is square and as large as its name says', () => {
  const pngs = bundle.icon.filter((p) => p.endsWith('.png'));
  assert.ok(pngs.length >= 8, 'Linux gets an icon at each hicolor size');
  for (const path of pngs) {
    const n = Number(/(\d+)x\1\.png$/.exec(path)?.[1]);
    assert.ok(n > 0, `${path} is named by its size`);
    assert.deepEqual(pngSize(read(path)), [n, n], path);
  }
  for (const n of [16, 24, 32, 48, 64, 128, 256, 512]) {
    assert.ok(pngs.includes(`icons/${n}x${n}.png`), `${n} px`);
  }
});

test('the window icon (the first PNG listed) is the largest, not a blurry 16 px one', () => {
  const first = bundle.icon.find((p) => p.endsWith('.png'));
  assert.deepEqual(pngSize(read(first)), [512, 512]);
});

test('Windows gets an .ico from 16 to 256 px and macOS an .icns', () => {
  assert.ok(bundle.icon.includes('icons/icon.ico') && bundle.icon.includes('icons/icon.icns'));
  const ico = read('icons/icon.ico');
  assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2)], [0, 1], 'an icon directory');
  const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico[6 + i * 16] || 256);
  for (const n of [16, 32, 48, 256]) assert.ok(sizes.includes(n), `${n} px in the .ico (${sizes})`);
  const icns = read('icons/icon.icns');
  assert.equal(icns.subarray(0, 4).toString('latin1'), 'icns');
  assert.equal(icns.readUInt32BE(4), icns.length, 'a whole .icns file');
});

test('the About dialog shows the same mark as the source image', () => {
  assert.equal(read('ui/app-icon.svg').toString(), read('icons/source/citewise.svg').toString(),
    'run make icons after editing icons/source/citewise.svg');
});
