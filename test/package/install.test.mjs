// The .deb as a person installs it: `apt-get install ./Citewise_….deb`, the menu entry and icons
// it puts in place, then the installed /usr/bin/citewise launched under Xvfb (through
// tauri-driver) answering from the local server, and a clean removal. Also what the .rpm holds.
// Run by `make install-test` (after `make package`), as root or with passwordless sudo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(ROOT, 'tauri.conf.json'), 'utf8'));
const DEB = join(ROOT, `target/release/bundle/deb/Citewise_${version}_amd64.deb`);
const RPM = join(ROOT, `target/release/bundle/rpm/Citewise-${version}-1.x86_64.rpm`);
const BIN = '/usr/bin/citewise';
const ENTRY = '/usr/share/applications/Citewise.desktop';
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

// e2e/support.mjs reads the app's path when it is first imported: the installed one.
process.env.CITEWISE_APP = BIN;
const S = await import('../../e2e/support.mjs');

const sh = (cmd, args, opts = {}) => execFileSync(cmd, args, { encoding: 'utf8', ...opts });
const asRoot = (cmd, args) => (process.getuid() === 0
  ? sh(cmd, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  : sh('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', cmd, ...args]));
const installed = () => {
  try {
    return sh('dpkg-query', ['-W', '-f=${Status}', 'citewise']).includes('install ok installed');
  } catch {
    return false;
  }
};

/** The `[Desktop Entry]` keys of a .desktop file. */
function desktopEntry(text) {
  return Object.fromEntries(text.split('\n').filter((l) => /^[A-Za-z]+=/.test(l)).map((l) => {
    const i = l.indexOf('=');
    return [l.slice(0, i), l.slice(i + 1)];
  }));
}

test('make package built both bundles', () => {
  for (const file of [DEB, RPM]) {
    assert.ok(existsSync(file), `${file} is missing: run make package first`);
  }
  const mb = statSync(DEB).size / 1e6;
  assert.ok(mb > 1 && mb < 12, `the .deb is ${mb.toFixed(1)} MB`);
});

test('the .deb says what it is and what it needs', () => {
  const field = (name) => sh('dpkg-deb', ['-f', DEB, name]).trim();
  assert.equal(field('Package'), 'citewise');
  assert.equal(field('Version'), version);
  assert.equal(field('Architecture'), 'amd64');
  assert.equal(field('Section'), 'net');
  const depends = field('Depends').split(/,\s*/);
  for (const lib of ['libwebkit2gtk-4.1-0', 'libgtk-3-0', 'libdbus-1-3']) assert.ok(depends.includes(lib), `Depends: ${depends}`);
  assert.match(field('Recommends'), /gnome-keyring \| kwalletmanager/, 'a Secret Service to keep the key in');
  assert.match(field('Description'), /^Cited answers from Perplexity, on your desktop\n .*clickable sources/s);
});

test('apt-get installs it, with its menu entry and an icon at every size', () => {
  if (installed()) asRoot('apt-get', ['purge', '-y', '-q', 'citewise']);
  asRoot('apt-get', ['install', '-y', '-q', DEB]);
  assert.ok(installed(), 'dpkg lists citewise as installed');
  assert.ok(statSync(BIN).mode & 0o111, `${BIN} is executable`);

  // The menu entry: valid for the desktop's menus, and matching the window it opens.
  sh('desktop-file-validate', [ENTRY]); // throws with the validator's complaints
  const entry = desktopEntry(readFileSync(ENTRY, 'utf8'));
  assert.equal(entry.Name, 'Citewise');
  assert.equal(entry.Exec, 'citewise');
  assert.equal(entry.Icon, 'citewise');
  assert.equal(entry.Terminal, 'false');
  assert.equal(entry.StartupWMClass, 'citewise');
  assert.match(entry.Categories, /(^|;)Network;.*Chat;/);
  assert.equal(entry.Comment, 'Cited answers from Perplexity, on your desktop');
  assert.match(entry.Keywords, /Perplexity;/);

  for (const n of ICON_SIZES) {
    const icon = `/usr/share/icons/hicolor/${n}x${n}/apps/citewise.png`;
    assert.equal(sh('identify', ['-format', '%wx%h', icon]), `${n}x${n}`, icon);
  }
  assert.match(readFileSync('/usr/share/doc/citewise/copyright', 'utf8'), /MIT License/);
});

test('the installed app starts, answers from the local server, and its window matches the menu entry', async () => {
  const mock = await S.startMock();
  const app = await S.launchApp(mock.baseUrl);
  try {
    // The window tauri-driver opened is the installed binary's, with the UI compiled into it.
    const pid = sh('pgrep', ['-g', String(app.group), '-x', 'citewise']).trim().split('\n')[0];
    assert.equal(sh('readlink', [`/proc/${pid}/exe`]).trim(), BIN);

    await S.ask(app.driver, 'How high is Mount Everest?');
    await S.waitForIdle(app.driver);
    const answer = await S.lastAnswerText(app.driver);
    assert.match(answer, /Everest/);
    assert.ok((await app.driver.findElements(S.byTestId('citation'))).length > 0, 'the answer has citations');

    // Docks and window switchers find the menu entry (and its icon) through WM_CLASS.
    const tree = sh('xwininfo', ['-root', '-tree']);
    assert.match(tree, /"Citewise": \("citewise" "Citewise"\)/, 'the window\'s WM_CLASS is the entry\'s StartupWMClass');
  } finally {
    await app.close();
    mock.stop();
  }
});

test('apt-get removes it cleanly', () => {
  asRoot('apt-get', ['purge', '-y', '-q', 'citewise']);
  assert.ok(!installed());
  for (const path of [BIN, ENTRY, '/usr/share/icons/hicolor/512x512/apps/citewise.png']) {
    assert.ok(!existsSync(path), `${path} is gone`);
  }
});

test('the .rpm holds the same app, entry and icons, and says what it needs', () => {
  const files = sh('rpm', ['-qpl', RPM]).split('\n');
  for (const f of [BIN, ENTRY, ...ICON_SIZES.map((n) => `/usr/share/icons/hicolor/${n}x${n}/apps/citewise.png`)]) {
    assert.ok(files.includes(f), `${f} in the .rpm`);
  }
  const requires = sh('rpm', ['-qp', '--requires', RPM]);
  assert.match(requires, /libwebkit2gtk-4\.1\.so\.0/);
  assert.match(requires, /dbus-libs/);
  assert.equal(sh('rpm', ['-qp', '--queryformat', '%{NAME} %{VERSION} %{LICENSE}', RPM]), `citewise ${version} MIT`);
});
