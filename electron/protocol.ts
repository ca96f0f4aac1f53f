import { protocol } from 'electron';
import { readAppFile } from './appFiles.js';
import { APP_SCHEME } from './policy.js';

/**
 * app:// as a standard, secure scheme, so the renderer has a real origin (app://ksk) with module
 * scripts and no file:// privileges. Must run before the app is ready, and only once.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }]);
}

/**
 * Serves the built renderer from rendererDir on app://ksk and answers file:, http: and https:
 * with a refusal (VS Code does the same for file:): the session already cancels those requests,
 * this second lock holds should a request slip past the first.
 */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const answer = await readAppFile(rendererDir, request.url);
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  });
  for (const scheme of ['file', 'http', 'https']) {
    protocol.handle(scheme, () => new Response('Refused: the ceremony app is offline.', { status: 403 }));
  }
}
