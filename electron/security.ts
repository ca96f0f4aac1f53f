import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAllowedRequest, isAppUrl } from './policy.js';

/**
 * Locks a session down: no request leaves except to the app's own files, no permission is ever
 * granted, nothing is downloaded, the spell checker (which fetches dictionaries) stays off.
 */
export function hardenSession(session: Session): void {
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRequest(details.url) }));
  // The protocol handler already sends the CSP with every app:// answer; this sets it again on any
  // app:// response that passes through the header stage, whichever path Chromium takes.
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setSpellCheckerEnabled(false);
  session.on('will-download', (event) => event.preventDefault());
}

/**
 * Applied to every web contents the app creates (windows, devtools): the page can neither navigate
 * away, open a window, nor attach a webview. Route changes inside the renderer are hash changes,
 * which are not navigations.
 */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
