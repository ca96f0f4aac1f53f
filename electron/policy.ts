import type { Envelope } from '../core/contract/envelope.js';
import { isChannel } from '../core/contract/api.js';

/**
 * The security decisions of the shell as plain functions, so they are tested on Node without the
 * Electron binary. Nothing here imports electron; the wiring in security.ts, protocol.ts and ipc.ts
 * only asks these functions.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'ksk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const MAIN_PAGE_URL = `${APP_ORIGIN}/index.html`;
export const PROJECTOR_PAGE_URL = `${MAIN_PAGE_URL}#/projector`;

/** The one IPC channel the preload invokes, and the one it listens on for contract events. */
export const IPC_CALL = 'ksk:call';
export const IPC_EVENT = 'ksk:event';

/**
 * Scripts, styles and fonts only from the app's own files; images also as data: URLs (QR codes,
 * rendered in core). No network of any kind, no frames, no plugins, no forms, no <base>.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parse(url: string): URL | null {
  return URL.canParse(url) ? new URL(url) : null;
}

/**
 * True for the app's own pages and files. Compared by protocol and host: WHATWG URL gives no origin
 * ("null") for a scheme it does not know, even one Chromium treats as standard.
 */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Which requests the session lets through: the app's files, inline data: images, and (in a
 * development build, where devtools exist at all) the devtools front end. Everything else, above
 * all http(s), ws(s) and file:, is cancelled: the ceremony machine is air-gapped and the app behaves
 * as if it always were.
 */
export function isAllowedRequest(url: string): boolean {
  if (isAppUrl(url)) return true;
  const parsed = parse(url);
  return parsed !== null && (parsed.protocol === 'data:' || parsed.protocol === 'devtools:');
}

/** The parts of Electron's WebFrameMain that decide whether a frame may call the backend. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/** Only the top frame of a page served from app://ksk may call the backend. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return frame !== null && frame !== undefined && frame.parent === null && isAppUrl(frame.url);
}

/**
 * The refusal for an IPC call that must not reach the backend, or null when it may. The refusal is
 * an envelope like any other answer, so the page's call still never rejects.
 */
export function refuseCall(frame: SenderFrame | null | undefined, channel: unknown): Envelope<never> | null {
  if (!isTrustedSender(frame)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: "Refused: the call did not come from the ceremony app's own window." } };
  }
  return isChannel(channel) ? null : unknownChannel(channel);
}

export function unknownChannel(channel: unknown): Envelope<never> {
  return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `There is no channel named ${JSON.stringify(channel)}.` } };
}
