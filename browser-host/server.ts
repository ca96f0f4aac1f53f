import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Envelope } from '../core/contract/envelope.js';
import { messageOf } from '../core/errors.js';
import type { BackendOptions } from '../core/service/backend.js';
import { BackendClient } from '../core/service/client.js';
import { contentTypeOf, resolveRendererFile } from '../core/service/rendererFiles.js';

/**
 * Serves the built renderer on loopback and binds the contract to a WebSocket, so the whole app runs
 * in a plain browser (rehearsal without the Electron binary, and the end-to-end tests). It is not
 * part of the ceremony laptop's app: it listens on 127.0.0.1 only, and
 * - the token is used once per browser, in the first address: the host answers it with a redirect
 *   to the same page without it and a session cookie (HttpOnly, SameSite=Strict), so the token is
 *   never in the address bar, the history or a later URL, and reopening the page from the history
 *   works while the browser keeps the cookie;
 * - every request must name this host in its Host header (127.0.0.1 or localhost and the port): a
 *   page of another site that rebinds its DNS name to 127.0.0.1 is refused (DNS rebinding);
 * - every WebSocket must carry the session cookie and come from a page this host served (Origin);
 * - the backend is confined to the workspace, removable media and the folders named at start for
 *   every path it is handed (core/system/fileAccess.ts).
 */
export interface BrowserHost {
  /** The address to open first, token included (exchanged for the session cookie at the first load). */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions extends BackendOptions {
  port?: number;
  rendererDir?: string;
}

const SESSION_COOKIE = 'ksk-session';

/** The folders named in KSK_BROWSER_HOST_FOLDERS (':'-separated), beside the workspace and removable media. */
function namedFolders(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KSK_BROWSER_HOST_FOLDERS ?? '').split(':').filter((f) => f.length > 0);
}

function cookieOf(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return null;
}

const defaultRendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));

export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function serveStatic(rendererDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && new URL(req.url ?? '/', 'http://127.0.0.1').pathname.startsWith('/api')) {
    res.writeHead(404).end();
    return;
  }
  const file = req.method === 'GET' ? resolveRendererFile(rendererDir, new URL(req.url ?? '/', 'http://127.0.0.1').pathname) : null;
  const body = file === null ? null : await readFile(file).catch(() => null);
  if (file === null || body === null) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': contentTypeOf(file),
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const rendererDir = options.rendererDir ?? defaultRendererDir;
  // The backend's thread starts while the page loads: the page's first calls wait for it here,
  // instead of the address being given out only once it is ready.
  const backend: Promise<BackendClient | string> = BackendClient.start({
    ...options,
    confineFilesTo: [...(options.confineFilesTo ?? []), ...namedFolders()],
  }).catch((e: unknown) => `The ceremony backend could not start: ${messageOf(e)}`);
  const call = async (channel: string, request: unknown): Promise<Envelope<unknown>> => {
    const ready = await backend;
    return typeof ready === 'string' ? { ok: false, error: { code: 'INTERNAL', message: ready } } : ready.call(channel, request);
  };
  const token = randomBytes(24).toString('base64url');
  const session = randomBytes(24).toString('base64url');
  let hosts = new Set<string>();
  const server = createServer((req, res) => {
    if (!hosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('This host answers only 127.0.0.1 and localhost.\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      // The token for the session cookie, once per browser; the address is given back without it.
      url.searchParams.delete('token');
      const headers: Record<string, string> = { Location: `${url.pathname}${url.search}`, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
      if (sameToken(offered, token)) headers['Set-Cookie'] = `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
      res.writeHead(303, headers).end();
      return;
    }
    void serveStatic(rendererDir, req, res);
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const clients = new Set<WebSocket>();
  let origins = new Set<string>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (
      url.pathname !== '/api' ||
      !hosts.has(req.headers.host ?? '') ||
      !origins.has(req.headers.origin ?? '') ||
      !sameToken(cookieOf(req, SESSION_COOKIE) ?? '', session)
    ) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('message', (raw) => {
        let message: { id?: unknown; channel?: unknown; request?: unknown };
        try {
          message = JSON.parse(String(raw)) as typeof message;
        } catch {
          return;
        }
        if (typeof message.id !== 'number') return;
        const id = message.id;
        void call(String(message.channel), message.request).then((envelope) => ws.send(JSON.stringify({ id, envelope })));
      });
    });
  });
  const stopEvents = backend.then((ready) =>
    typeof ready === 'string'
      ? () => undefined
      : ready.onEvent((event) => {
          const text = JSON.stringify({ event });
          for (const ws of clients) ws.send(text);
        }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  origins = new Set([...hosts].map((h) => `http://${h}`));

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    async close() {
      (await stopEvents)();
      for (const ws of clients) ws.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const ready = await backend;
      if (typeof ready !== 'string') await ready.close();
    },
  };
}
