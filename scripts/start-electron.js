// @ts-check
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.js';

/** `npm start`: the built app (package.json main = dist/electron/main.js) in the real Electron. */
const binary = electronBinary();
if (binary === null) {
  console.error('The Electron binary is not installed on this machine: run `npm run start:browser` to use the app in a browser instead.');
  process.exit(1);
}

const appDir = fileURLToPath(new URL('..', import.meta.url));
// ELECTRON_RUN_AS_NODE inherited from a parent would start a bare Node instead of the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [appDir, ...process.argv.slice(2)], { stdio: 'inherit', env });
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
