import { readFile } from 'node:fs/promises';
import { contentTypeOf, resolveRendererFile } from '../core/service/rendererFiles.js';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './policy.js';

/**
 * What the app:// scheme serves: files of the built renderer and nothing else. Kept free of
 * electron so the path rules are tested on Node; protocol.ts turns the answer into a Response.
 */

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
  return resolveRendererFile(rootDir, parsed.pathname);
}

export { contentTypeOf };

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
