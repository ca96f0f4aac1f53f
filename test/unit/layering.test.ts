import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../helpers/paths.js';

const eslint = new ESLint({ cwd: repoRoot });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.message.includes('Bad layering:')).map((m) => m.message);
}

const violations: [string, string, RegExp][] = [
  ['core/evidence/evil.ts', "import { app } from 'electron';\nexport const a = app;\n", /only electron\/ may import electron/],
  ['core/dnssec/evil.ts', 'export const title = document.title;\n', /never touch the DOM/],
  ['core/ceremony/evil.ts', "import { Pkcs11Hsm } from '../../native/hsm.js';\nexport const h = Pkcs11Hsm;\n", /only core\/service and core\/cli wire native/],
  ['core/contract/evil.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", /the contract is shared with the renderer/],
  ['core/contract/evil2.ts', "import { sha256 } from '../hash/sha256.js';\nexport const s = sha256;\n", /the contract imports only zod and itself/],
  ['renderer/src/evil.ts', "import fs from 'node:fs';\nexport const f = fs;\n", /the renderer knows nothing of Node/],
  ['renderer/src/evil2.ts', "import { Backend } from '../../core/service/backend.js';\nexport const b = Backend;\n", /may import core\/contract only/],
  ['renderer/src/evil3.ts', "import { x } from '../../native/index.js';\nexport const y = x;\n", /only through the contract/],
  ['native/evil.ts', "import { ipcMain } from 'electron';\nexport const i = ipcMain;\n", /only electron\/ may import electron/],
  ['core/export/evil.ts', "import http from 'node:http';\nexport const h = http;\n", /the app is offline/],
  ['electron/evil.ts', "import { net } from 'electron';\nexport const n = net;\n", /electron.net is banned/],
  ['electron/evil2.ts', "import https from 'https';\nexport const h = https;\n", /the app is offline/],
];

for (const [file, code, expected] of violations) {
  test(`the lint rule refuses a layering violation in ${file}`, async () => {
    const errors = await layeringErrors(file, code);
    assert.ok(
      errors.some((m) => expected.test(m)),
      `expected ${expected} for ${file}, got ${JSON.stringify(errors)}`,
    );
  });
}

test('the rule lets each layer import what it may', async () => {
  assert.deepEqual(await layeringErrors('renderer/src/ok.ts', "import { channels } from '../../core/contract/index.js';\nexport const c = channels;\n"), []);
  assert.deepEqual(await layeringErrors('core/cli/ok.ts', "import { x } from '../../native/index.js';\nexport const y = x;\n"), []);
  assert.deepEqual(await layeringErrors('electron/ok.ts', "import { app } from 'electron';\nexport const a = app;\n"), []);
  assert.deepEqual(await layeringErrors('browser-host/ok.ts', "import http from 'node:http';\nexport const h = http;\n"), []);
});
