import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { contentTypeOf, resolveAppPath } from '../../../electron/appFiles.js';

const root = path.resolve('/opt/ksk/dist/renderer');

test('app:// paths map to files of the renderer build', () => {
  assert.equal(resolveAppPath(root, 'app://ksk/'), path.join(root, 'index.html'));
  assert.equal(resolveAppPath(root, 'app://ksk/index.html'), path.join(root, 'index.html'));
  assert.equal(resolveAppPath(root, 'app://ksk/index.html#/projector'), path.join(root, 'index.html'));
  assert.equal(resolveAppPath(root, 'app://ksk/assets/index-3f2a.js?v=1'), path.join(root, 'assets', 'index-3f2a.js'));
  assert.equal(resolveAppPath(root, 'app://ksk/fonts/Noto%20Sans.woff2'), path.join(root, 'fonts', 'Noto Sans.woff2'));
});

test('dot segments the URL parser removes stay inside the root', () => {
  // The URL parser resolves these before we see them; the result is a file of the build or nothing.
  assert.equal(resolveAppPath(root, 'app://ksk/../../etc/passwd'), path.join(root, 'etc', 'passwd'));
  assert.equal(resolveAppPath(root, 'app://ksk/%2e%2e/%2E%2E/etc/passwd'), path.join(root, 'etc', 'passwd'));
});

test('a path that would leave the renderer build is refused', () => {
  for (const url of [
    'app://ksk/%2F..%2F..%2Fetc%2Fpasswd',
    'app://ksk/..%2F..%2Fetc%2Fpasswd',
    'app://ksk/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://ksk/..%5C..%5Cwindows%5Cwin.ini',
    'app://ksk/assets%5C..%5C..%5Csecret',
    'app://ksk/..%2Frenderer-secrets%2Fkey.pem',
    'app://ksk/index.html%00.png',
    'app://ksk/%E0%A4%A',
  ]) {
    assert.equal(resolveAppPath(root, url), null, url);
  }
});

test('only the app scheme and host are served', () => {
  for (const url of ['app://other/index.html', 'file:///opt/ksk/dist/renderer/index.html', 'https://ksk/index.html', 'nonsense']) {
    assert.equal(resolveAppPath(root, url), null, url);
  }
});

test('files get their content type; the unknown are opaque bytes', () => {
  assert.equal(contentTypeOf('/r/index.html'), 'text/html; charset=utf-8');
  assert.equal(contentTypeOf('/r/assets/a.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentTypeOf('/r/assets/a.css'), 'text/css; charset=utf-8');
  assert.equal(contentTypeOf('/r/fonts/a.woff2'), 'font/woff2');
  assert.equal(contentTypeOf('/r/data.bin'), 'application/octet-stream');
  assert.equal(contentTypeOf('/r/README'), 'application/octet-stream');
});
