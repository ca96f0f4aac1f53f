// @ts-check
import js from '@eslint/js';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The layering rule of the app (see README "Layers"). A violation fails `npm run lint`, and so the
 * test command; test/unit/layering.test.ts feeds it deliberate violations.
 *
 *   core/        the domain on plain Node: never electron, never the DOM
 *   core/contract/  pure TypeScript + zod: the only part of core/ the renderer may import
 *   native/      PKCS#11 through pkcs11js; may use core's pure modules
 *   renderer/    React: no Node built-ins, no native/, no core/ outside the contract, no electron
 *   electron/    the thin shell: the only folder that imports electron
 *   everywhere   no networking (the app is offline); only browser-host/ serves on loopback
 */
const LAYER = 'Bad layering:';
const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `node:${m}`]);
const networking = ['http', 'https', 'net', 'tls', 'dgram', 'http2', 'dns'].flatMap((m) => [m, `node:${m}`]);

const noNetwork = networking.map((name) => ({ name, message: `${LAYER} the app is offline; no module may use ${name}.` }));
const noElectron = { name: 'electron', message: `${LAYER} only electron/ may import electron.` };
const noElectronNet = { name: 'electron', importNames: ['net', 'netLog'], message: `${LAYER} the app is offline; electron.net is banned.` };
const noWs = { name: 'ws', message: `${LAYER} the app is offline; only browser-host/ may serve a WebSocket.` };

const uiPackages = ['react', 'react-dom', 'react-dom/client'].map((name) => ({ name, message: `${LAYER} core/ and native/ know nothing of the UI.` }));
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'location'].map((name) => ({
  name,
  message: `${LAYER} core/ and native/ run on Node and never touch the DOM.`,
}));

/** @param {Array<string | {name: string, message: string, importNames?: string[]}>} paths @param {Array<{group: string[], message: string}>} patterns */
const restrict = (paths, patterns = []) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', 'playwright-report/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js'],
    // The browser host and its tests are the one place that serves and speaks on loopback.
    ignores: ['electron/**', 'browser-host/**', 'test/e2e/**', 'test/integration/host/**'],
    rules: { 'no-restricted-imports': restrict([noElectron, noWs, ...noNetwork]) },
  },
  {
    files: ['core/**/*.ts', 'native/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, noWs, ...noNetwork, ...uiPackages],
        [
          {
            group: ['**/renderer/**', '**/electron/**', '**/browser-host/**', '**/test/**'],
            message: `${LAYER} core/ and native/ never import the UI, the shell, the host or tests.`,
          },
        ],
      ),
      'no-restricted-globals': ['error', ...domGlobals],
    },
  },
  {
    // Only the composition roots of core (the service and the command line) may reach the HSM driver.
    files: ['core/**/*.ts'],
    ignores: ['core/service/**', 'core/cli/**'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, noWs, ...noNetwork, ...uiPackages],
        [
          {
            group: ['**/renderer/**', '**/electron/**', '**/browser-host/**', '**/test/**'],
            message: `${LAYER} core/ and native/ never import the UI, the shell, the host or tests.`,
          },
          { group: ['**/native/**'], message: `${LAYER} core/ reaches the HSM only through its ports; only core/service and core/cli wire native/ in.` },
        ],
      ),
    },
  },
  ...[
    { files: ['core/contract/*.ts'], outside: '../*' },
    { files: ['core/contract/*/*.ts'], outside: '../../*' },
  ].map(({ files, outside }) => ({
    files,
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins.map((name) => ({ name, message: `${LAYER} the contract is shared with the renderer: no Node built-ins.` })), noElectron],
        [{ group: [outside], message: `${LAYER} the contract imports only zod and itself.` }],
      ),
    },
  })),
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins.map((name) => ({ name, message: `${LAYER} the renderer knows nothing of Node.` })), noElectron, noWs, 'better-sqlite3', 'pkcs11js'],
        [
          {
            group: ['**/native/**', '**/electron/**', '**/browser-host/**'],
            message: `${LAYER} the renderer talks to the privileged side only through the contract.`,
          },
          { group: ['**/core/**', '!**/core/contract', '!**/core/contract/**'], message: `${LAYER} the renderer may import core/contract only.` },
        ],
      ),
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectronNet, noWs, ...noNetwork],
        [{ group: ['**/renderer/**', '**/native/**', '**/browser-host/**'], message: `${LAYER} the shell reaches the domain only through core/service.` }],
      ),
    },
  },
  {
    files: ['browser-host/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [noElectron, 'https', 'node:https', 'tls', 'node:tls', 'dgram', 'node:dgram'],
        [{ group: ['**/renderer/**', '**/native/**', '**/electron/**'], message: `${LAYER} the browser host reaches the domain only through core/service.` }],
      ),
    },
  },
);
