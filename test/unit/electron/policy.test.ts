import assert from 'node:assert/strict';
import { test } from 'node:test';
import { channelNames } from '../../../core/contract/api.js';
import {
  CONTENT_SECURITY_POLICY,
  MAIN_PAGE_URL,
  PROJECTOR_PAGE_URL,
  isAllowedRequest,
  isAppUrl,
  isTrustedSender,
  refuseCall,
} from '../../../electron/policy.js';

test('the app pages are app://ksk URLs', () => {
  assert.equal(MAIN_PAGE_URL, 'app://ksk/index.html');
  assert.equal(PROJECTOR_PAGE_URL, 'app://ksk/index.html#/projector');
  for (const url of [MAIN_PAGE_URL, PROJECTOR_PAGE_URL, 'app://ksk/assets/index-3f2a.js', 'app://ksk/']) assert.ok(isAppUrl(url), url);
});

test('anything that only looks like the app is not the app', () => {
  for (const url of [
    'app://evil/index.html',
    'app://ksk.evil/index.html',
    'app://ksk:8080/index.html',
    'app://user@ksk/index.html',
    'app://:secret@ksk/index.html',
    'http://ksk/index.html',
    'https://ksk/index.html',
    'file:///work/dist/renderer/index.html',
    'apps://ksk/index.html',
    'ksk',
    '',
    'not a url',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('the session lets through only the app, data: images and devtools', () => {
  for (const url of [MAIN_PAGE_URL, 'app://ksk/fonts/a.woff2', 'data:image/png;base64,iVBORw0KGgo=', 'devtools://devtools/bundled/inspector.html']) {
    assert.ok(isAllowedRequest(url), url);
  }
  for (const url of [
    'http://127.0.0.1:8080/',
    'https://www.iana.org/',
    'ws://localhost/',
    'wss://example.org/',
    'ftp://example.org/',
    'file:///etc/passwd',
    'chrome-extension://abc/x.js',
    'blob:app://ksk/1234',
    'app://elsewhere/index.html',
    'about:blank#x',
    'garbage',
  ]) {
    assert.equal(isAllowedRequest(url), false, url);
  }
});

test('only the top frame of an app page is a trusted IPC sender', () => {
  assert.ok(isTrustedSender({ url: MAIN_PAGE_URL, parent: null }));
  assert.ok(isTrustedSender({ url: PROJECTOR_PAGE_URL, parent: null }));
  assert.equal(isTrustedSender({ url: MAIN_PAGE_URL, parent: { url: MAIN_PAGE_URL } }), false, 'a subframe');
  assert.equal(isTrustedSender({ url: 'https://evil.example/', parent: null }), false);
  assert.equal(isTrustedSender({ url: 'file:///tmp/x.html', parent: null }), false);
  assert.equal(isTrustedSender(null), false, 'a destroyed frame');
  assert.equal(isTrustedSender(undefined), false);
});

test('a call is refused unless it comes from the app and names a contract channel', () => {
  const app = { url: MAIN_PAGE_URL, parent: null };
  for (const channel of channelNames) assert.equal(refuseCall(app, channel), null, channel);

  const foreign = refuseCall({ url: 'https://evil.example/', parent: null }, 'app.status');
  assert.equal(foreign?.ok, false);
  assert.equal(foreign?.ok === false && foreign.error.code, 'BAD_REQUEST');

  for (const channel of ['app.nope', '__proto__', 'toString', 42, null, undefined, { channel: 'app.status' }]) {
    const refusal = refuseCall(app, channel);
    assert.equal(refusal?.ok === false && refusal.error.code, 'UNKNOWN_CHANNEL', String(channel));
  }
  // The sender is checked first: a foreign page learns nothing about which channels exist.
  const probe = refuseCall({ url: 'https://evil.example/', parent: null }, 'app.nope');
  assert.equal(probe?.ok === false && probe.error.code, 'BAD_REQUEST');
});

test('the CSP allows nothing but the app itself', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('connect-src'), ["'none'"]);
  for (const directive of ['object-src', 'frame-src', 'worker-src', 'base-uri', 'form-action', 'frame-ancestors']) {
    assert.deepEqual(directives.get(directive), ["'none'"], directive);
  }
  for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'ws:', 'blob:', 'file:']) {
    for (const [name, sources] of directives) assert.ok(!sources.includes(forbidden), `${name} allows ${forbidden}`);
  }
});
