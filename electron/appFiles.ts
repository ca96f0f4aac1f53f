import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './policy.js';

/**
 * What the app:// scheme serves: files of the built renderer and nothing else. Kept free of
 * electron so the path rules are tested on Node; protocol.ts turns the answer into a Response.
 */

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
};

export interface AppFileAnswer {
  readonly status: 200 | 400 | 404;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

/**
 * The file an app:// URL names inside rootDir, or null when the URL is not the app's or its path
 * leaves rootDir (`..`, encoded or not, a NUL, a backslash). Pages are addressed by URL path only;
 * the query and the hash (the renderer's routes) do not pick files.
 */
export function resolveAppPath(rootDir: string, url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.hostname !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative === '/' || relative === '') relative = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${relative}`);
  return file.startsWith(root + path.sep) ? file : null;
}

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Sent with every app:// answer: the page's CSP travels with the page itself. */
const securityHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

function refusal(status: 400 | 404, message: string): AppFileAnswer {
  return { status, headers: { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' }, body: message };
}

export async function readAppFile(rootDir: string, url: string): Promise<AppFileAnswer> {
  const file = resolveAppPath(rootDir, url);
  if (file === null) return refusal(400, 'Refused: the address is outside the app.');
  try {
    const body = await readFile(file);
    return { status: 200, headers: { ...securityHeaders, 'Content-Type': contentTypeOf(file) }, body };
  } catch {
    return refusal(404, 'Not found.');
  }
}
