#!/usr/bin/env python3
"""Run the UI harness in WebKitGTK, the engine the Linux app uses, without the Rust app.

    python3 ui-tests/webkit/webkit.py selftest
    python3 ui-tests/webkit/webkit.py shot /tmp/x.png 'theme=dark&ask=How%20high%20is%20Everest%3F' \
        --size 1200x800 --wait 12

Starts a static server for the repo root and WebKitWebDriver (on a private Xvfb when there is no
DISPLAY), talks plain W3C WebDriver over HTTP (standard library only), and stops both again.
Needs the Debian packages webkit2gtk-driver and xvfb.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for(url, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f'{url} did not come up')


@contextmanager
def process(args, env=None, pass_fds=()):
    """Run a helper as our direct child; stop and reap exactly that process afterwards."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, pass_fds=pass_fds)
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def display():
    """The current X display, or a private Xvfb for the duration."""
    if os.environ.get('DISPLAY'):
        yield os.environ['DISPLAY']
        return
    read_fd, write_fd = os.pipe()
    args = ['Xvfb', '-displayfd', str(write_fd), '-screen', '0', '1600x1200x24', '-nolisten', 'tcp']
    with process(args, pass_fds=(write_fd,)):
        os.close(write_fd)
        number = b''
        while not number.endswith(b'\n'):  # Xvfb dies if the pipe closes before its newline
            chunk = os.read(read_fd, 16)
            if not chunk:
                raise RuntimeError('Xvfb did not start')
            number += chunk
        os.close(read_fd)
        yield f':{number.decode().strip()}'


class WebDriver:
    def __init__(self, base):
        self.base = base
        self.sid = None

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(req, timeout=300) as resp:
            return json.loads(resp.read())['value']

    def start(self, width, height):
        options = {'binary': MINIBROWSER, 'args': ['--automation', f'--geometry={width}x{height}']}
        caps = {'capabilities': {'alwaysMatch': {'webkitgtk:browserOptions': options}}}
        self.sid = self.call('POST', '/session', caps)['sessionId']
        self.call('POST', f'/session/{self.sid}/window/rect', {'width': width, 'height': height})

    def go(self, url):
        self.call('POST', f'/session/{self.sid}/url', {'url': url})

    def js(self, script):
        return self.call('POST', f'/session/{self.sid}/execute/sync', {'script': script, 'args': []})

    def screenshot(self, path):
        Path(path).write_bytes(base64.b64decode(self.call('GET', f'/session/{self.sid}/screenshot')))

    def quit(self):
        if self.sid:
            self.call('DELETE', f'/session/{self.sid}')
            time.sleep(1)  # let the driver reap its browser before we stop the driver


@contextmanager
def browser(width, height):
    web_port, driver_port = free_port(), free_port()
    server = [sys.executable, '-m', 'http.server', str(web_port), '--bind', '127.0.0.1', '-d', str(ROOT)]
    with display() as disp, process(server), \
            process(['WebKitWebDriver', f'--port={driver_port}'], env={**os.environ, 'DISPLAY': disp}):
        wait_for(f'http://127.0.0.1:{web_port}/ui/index.html')
        wait_for(f'http://127.0.0.1:{driver_port}/status')
        wd = WebDriver(f'http://127.0.0.1:{driver_port}')
        wd.start(width, height)
        try:
            yield wd, f'http://127.0.0.1:{web_port}/ui-tests/webkit/'
        finally:
            wd.quit()


SELFTEST_LIMIT = 1200


def selftest(_args):
    with browser(1200, 800) as (wd, base):
        wd.go(base + 'selftest.html')
        title = ''
        # A generous limit, not a timing check: on a loaded two-core machine the 417 checks have
        # taken over five minutes; an idle one runs them in about two.
        deadline = time.monotonic() + SELFTEST_LIMIT
        while time.monotonic() < deadline:
            title = wd.js('return document.title')
            if title.startswith('selftest:') and not title.endswith('running'):
                break
            time.sleep(1)
        else:
            print(f'The self-test did not finish within {SELFTEST_LIMIT} s (title: {title!r}).')
        lines = wd.js("return document.getElementById('selftest-results')?.textContent || ''")
    failed = 0
    for line in filter(None, lines.splitlines()):
        result = json.loads(line)
        failed += not result['ok']
        if not result['ok'] or 'frames' in result['name'] or os.environ.get('SELFTEST_ALL'):
            detail = json.dumps(result.get('detail'))[:400] if not result['ok'] else ''
            print(('ok   ' if result['ok'] else 'FAIL ') + result['name'], detail)
    print(title)
    return 1 if failed or not lines else 0


def shot(args):
    width, height = (int(n) for n in args.size.split('x'))
    with browser(width, height) as (wd, base):
        wd.go(base + 'index.html?' + args.query)
        time.sleep(args.wait)
        wd.screenshot(args.out)
    print(args.out)
    return 0


def main():
    # Let `timeout` and Ctrl+C run the clean-up in the context managers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not shutil.which('WebKitWebDriver'):
        sys.exit('WebKitWebDriver not found: apt-get install webkit2gtk-driver xvfb')
    if not os.environ.get('DISPLAY') and not shutil.which('Xvfb'):
        sys.exit('No DISPLAY and no Xvfb: apt-get install xvfb')
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    sub.add_parser('selftest', help='run selftest.html and print failures').set_defaults(run=selftest)
    p = sub.add_parser('shot', help='screenshot the harness')
    p.add_argument('out')
    p.add_argument('query', nargs='?', default='', help='harness query string, see index.html')
    p.add_argument('--size', default='1200x800')
    p.add_argument('--wait', type=float, default=3, help='seconds to let the mock stream')
    p.set_defaults(run=shot)
    args = parser.parse_args()
    sys.exit(args.run(args))


if __name__ == '__main__':
    main()
