import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { startBrowserHost } from '../../../browser-host/server.js';
import { repoRoot } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

function connect(url: string, origin: string, cookie?: string): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin, ...(cookie ? { headers: { cookie } } : {}) });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ status: -1 }));
  });
}

/** A GET with any Host header (fetch will not send a forged one). */
function get(
  origin: string,
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: pathname, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.on('error', reject);
    req.end();
  });
}

async function call(ws: WebSocket, channel: string, req: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve) => {
    const id = Math.floor(Math.random() * 1e9);
    const listener = (data: WebSocket.RawData) => {
      const message = JSON.parse(String(data)) as { id?: number; envelope: { ok: boolean } };
      if (message.id !== id) return;
      ws.off('message', listener);
      resolve(message.envelope);
    };
    ws.on('message', listener);
    ws.send(JSON.stringify({ id, channel, request: req }));
  });
}

test('the token is exchanged once for an HttpOnly SameSite=Strict cookie; the WebSocket needs the cookie and the origin; other Host names are refused', async (t) => {
  const workspace = tempDir(t);
  const host = await startBrowserHost({ workspaceDir: workspace });
  t.after(() => host.close());
  assert.match(host.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  const api = host.origin.replace('http:', 'ws:') + '/api';
  const hostHeader = { host: new URL(host.origin).host };

  const exchanged = await get(host.origin, `/?token=${host.token}`, hostHeader);
  assert.equal(exchanged.status, 303);
  assert.equal(exchanged.headers.location, '/', 'the address is given back without the token');
  const setCookie = String(exchanged.headers['set-cookie']);
  assert.match(setCookie, /^ksk-session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
  assert.ok(!setCookie.includes(host.token), 'the cookie is not the token');
  const cookie = setCookie.split(';')[0] as string;
  const wrong = await get(host.origin, '/?token=wrong', hostHeader);
  assert.equal(wrong.status, 303);
  assert.equal(wrong.headers['set-cookie'], undefined, 'a wrong token gets no cookie');

  assert.deepEqual(await connect(api, host.origin), { status: 403 }, 'no cookie');
  assert.deepEqual(await connect(`${api}?token=${host.token}`, host.origin), { status: 403 }, 'the token itself no longer opens the API');
  assert.deepEqual(await connect(api, host.origin, 'ksk-session=forged'), { status: 403 });
  assert.deepEqual(await connect(api, 'http://evil.example', cookie), { status: 403 });

  const ok = await connect(api, host.origin, cookie);
  assert.ok('ws' in ok, 'the cookie from the right origin is accepted (as when the page is reopened from the history)');
  const status = await call(ok.ws, 'app.status', {});
  assert.equal(status.ok, true);

  // File access: the workspace yes, /etc/shadow and /etc/passwd no.
  const inside = path.join(workspace, 'fox.txt');
  writeFileSync(inside, 'The quick brown fox jumps over the lazy dog');
  assert.equal((await call(ok.ws, 'hash.file', { path: inside })).ok, true);
  for (const outside of ['/etc/shadow', '/etc/passwd', path.join(workspace, '..', '..', 'etc', 'passwd')]) {
    const refused = await call(ok.ws, 'hash.file', { path: outside });
    assert.equal(refused.ok, false, outside);
    assert.match(refused.error?.message ?? '', /is outside the folders this app may use .*: it is refused/);
  }
  const exported = await call(ok.ws, 'export.bundle', { ceremonyId: 'none', to: '/etc' });
  assert.equal(exported.ok, false);
  assert.match(exported.error?.message ?? '', /export folder \/etc is outside the folders/);
  ok.ws.close();

  // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends Host: evil.example.
  assert.equal((await get(host.origin, '/', { host: `evil.example:${new URL(host.origin).port}` })).status, 421);
  assert.equal((await get(host.origin, `/?token=${host.token}`, { host: 'evil.example' })).status, 421);
  assert.equal((await get(host.origin, '/', hostHeader)).status, 200);
  assert.equal((await get(host.origin, '/', { host: `localhost:${new URL(host.origin).port}` })).status, 200);

  const page = await fetch(`${host.origin}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
  assert.equal((await fetch(`${host.origin}/../../package.json`)).status, 404);
  assert.equal((await fetch(`${host.origin}/%2e%2e/%2e%2e/package.json`)).status, 404);
  assert.equal((await fetch(`${host.origin}/%E0%A4%A`)).status, 404, 'a malformed escape is refused, not a crash');
  assert.equal((await fetch(`${host.origin}/`)).status, 200, 'and the host still serves after it');
});

test('browser-host --open: the token is on no command line (ps) while it runs; Chromium gets it through a file only its owner reads', async (t) => {
  const workspace = tempDir(t);
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'browser-host', 'main.js'), '--open', '--workspace', workspace], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: process.env.DISPLAY ?? ':99' },
  });
  t.after(() => child.kill('SIGTERM'));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += String(d);
      if (out.includes('\n')) resolve(out);
    });
    child.once('exit', (code) => reject(new Error(`the host exited (${code}): ${out}`)));
  });
  const launcher = /the address with its token is in (\S+), readable by you only/.exec(line)?.[1];
  if (!launcher) {
    t.skip(`no Chromium on this machine: ${line.trim()}`);
    return;
  }
  // Chromium runs detached from the host: its processes on this launcher are ended by their ids.
  t.after(() => {
    for (const l of execFileSync('ps', ['-eo', 'pid,args', '--no-headers', '-ww'], { encoding: 'utf8' }).split('\n')) {
      if (l.includes(launcher)) {
        try {
          process.kill(Number(l.trim().split(/\s+/)[0]), 'SIGTERM');
        } catch {
          // already gone
        }
      }
    }
  });
  assert.doesNotMatch(line, /token=/, 'the printed line carries no token');
  const token = /token=([\w-]+)/.exec(readFileSync(launcher, 'utf8'))?.[1] ?? '';
  assert.ok(token.length >= 24, 'the launcher holds the token');
  assert.equal(execFileSync('stat', ['-c', '%a', launcher], { encoding: 'utf8' }).trim(), '600');
  let sawChromium = false;
  for (let i = 0; i < 10; i++) {
    const ps = execFileSync('ps', ['-eo', 'pid,args', '--no-headers', '-ww'], { encoding: 'utf8' });
    assert.ok(!ps.includes(token), 'the token is in the process list');
    sawChromium ||= ps.split('\n').some((l) => l.includes('--app=file://') && l.includes('open.html'));
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.ok(sawChromium, 'Chromium was started on the launcher file');
});
