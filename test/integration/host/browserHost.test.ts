import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startBrowserHost } from '../../../browser-host/server.js';
import { tempDir } from '../../helpers/tmp.js';

function connect(url: string, origin: string): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

test('the browser host serves on loopback and binds the contract only for its token and its own origin', async (t) => {
  const host = await startBrowserHost({ workspaceDir: tempDir(t) });
  t.after(() => host.close());
  assert.match(host.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  const api = host.origin.replace('http:', 'ws:') + '/api';

  assert.deepEqual(await connect(`${api}?token=wrong`, host.origin), { status: 403 });
  assert.deepEqual(await connect(api, host.origin), { status: 403 });
  assert.deepEqual(await connect(`${api}?token=${host.token}`, 'http://evil.example'), { status: 403 });

  const ok = await connect(`${api}?token=${host.token}`, host.origin);
  assert.ok('ws' in ok, 'the right token from the right origin is accepted');
  const reply = await new Promise<{ id: number; envelope: { ok: boolean; value?: { version: string } } }>((resolve) => {
    ok.ws.once('message', (data) => resolve(JSON.parse(String(data))));
    ok.ws.send(JSON.stringify({ id: 7, channel: 'app.status', request: {} }));
  });
  assert.equal(reply.id, 7);
  assert.equal(reply.envelope.ok, true);
  ok.ws.close();

  const page = await fetch(`${host.origin}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
  assert.equal((await fetch(`${host.origin}/../../package.json`)).status, 404);
  assert.equal((await fetch(`${host.origin}/%2e%2e/%2e%2e/package.json`)).status, 404);
  assert.equal((await fetch(`${host.origin}/%E0%A4%A`)).status, 404, 'a malformed escape is refused, not a crash');
  assert.equal((await fetch(`${host.origin}/`)).status, 200, 'and the host still serves after it');
});
