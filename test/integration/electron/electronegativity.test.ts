import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../../electron/policy.js';
import { repoRoot } from '../../helpers/paths.js';
import { tempDir } from '../../helpers/tmp.js';

/**
 * Electronegativity (Doyensec) scans the shell's sources for insecure Electron settings. It runs
 * through its programmatic runner, which, unlike the CLI, also reports the files it failed to
 * parse: a file it cannot read must fail the test, not pass it silently.
 */

interface Finding {
  id: string;
  file: string;
  location: { line: number };
  severity: { value: number; name: string };
  confidence: { value: number; name: string };
  description: string;
  sample?: string;
}
interface ScanResult {
  issues: Finding[];
  errors: { file: string; message: string }[];
}

const fromScanner = createRequire(createRequire(import.meta.url).resolve('@doyensec/electronegativity/package.json'));

// Its translations are fetched from the network before every scan; the English ones it ships are
// loaded in their place, so the test suite stays offline (and does not wait on a DNS timeout).
const translationsModule = fromScanner.resolve('./dist/locales/i18n.js');
const i18n = fromScanner('i18n') as { configure(options: object): void; setLocale(locale: string): void };
const offlineTranslations = new Module(translationsModule);
offlineTranslations.exports = async () => {
  i18n.configure({
    locales: ['en-US'],
    defaultLocale: 'en-US',
    directory: path.dirname(translationsModule),
    updateFiles: false,
    objectNotation: true,
    register: globalThis,
  });
  i18n.setLocale('en-US');
};
offlineTranslations.loaded = true;
fromScanner.cache[translationsModule] = offlineTranslations;
const runScanner = fromScanner('./dist/runner.js') as (options: object) => Promise<ScanResult>;

const MEDIUM = 2;
const shellDir = path.join(repoRoot, 'electron');

async function scan(input: string): Promise<ScanResult> {
  // The check for available Electron security fixes asks the network; the version is pinned instead.
  const result = await runScanner({ input, excludeFromScan: ['AvailableSecurityFixesGlobalCheck'], electronVersionOverride: '45.5.0' });
  assert.deepEqual(result.errors, [], `Electronegativity could not parse ${input}`);
  return result;
}

const serious = (result: ScanResult) => result.issues.filter((issue) => issue.severity.value >= MEDIUM);
const describe = (findings: Finding[]) =>
  findings.map((f) => `${f.id} ${f.severity.name}/${f.confidence.name} at ${path.basename(f.file)}:${f.location.line}: ${f.description}`).join('\n');

test('Electronegativity finds nothing of medium severity or worse in the Electron shell', async (t) => {
  const result = await scan(shellDir);
  assert.deepEqual(serious(result), [], `findings to fix:\n${describe(serious(result))}`);
  for (const finding of result.issues) t.diagnostic(`below the bar: ${describe([finding])}`);
});

test('the one waiver in the shell is the reviewed preload, and it hides nothing else', async (t) => {
  const sources = readdirSync(shellDir).filter((name) => name.endsWith('.ts'));
  const waivers = sources.flatMap((name) =>
    readFileSync(path.join(shellDir, name), 'utf8')
      .split('\n')
      .filter((line) => line.includes('eng-disable'))
      .map((line) => ({ name, line })),
  );
  assert.deepEqual(
    waivers.map(({ name, line }) => [name, /eng-disable\s+(\w+)/.exec(line)?.[1]]),
    [['windows.ts', 'PRELOAD_JS_CHECK']],
  );
  assert.match(waivers[0]?.line ?? '', /eng-disable PRELOAD_JS_CHECK reviewed: .+/, 'a waiver says why');

  const unwaived = tempDir(t, 'ksk-eneg-unwaived-');
  for (const name of sources) {
    writeFileSync(path.join(unwaived, name), readFileSync(path.join(shellDir, name), 'utf8').replace(/\/\/ eng-disable .*$/gm, ''));
  }
  const findings = serious(await scan(unwaived));
  assert.deepEqual(
    findings.map((f) => [f.id, path.basename(f.file)]),
    [['PRELOAD_JS_CHECK', 'windows.ts']],
    describe(findings),
  );
});

test('the same scan fails an insecure shell', async (t) => {
  const dir = tempDir(t, 'ksk-eneg-insecure-');
  mkdirSync(path.join(dir, 'electron'));
  writeFileSync(
    path.join(dir, 'electron', 'main.ts'),
    `import { app, BrowserWindow, session } from 'electron';
app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': ["default-src *; script-src 'self' 'unsafe-inline'"] } });
  });
  const window = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });
  void window.loadURL('http://localhost:8080/index.html');
});
`,
  );
  const result = await scan(dir);
  const ids = new Set(serious(result).map((f) => f.id));
  for (const id of [
    'CONTEXT_ISOLATION_JS_CHECK',
    'SANDBOX_JS_CHECK',
    'AUXCLICK_JS_CHECK',
    'HTTP_RESOURCES_JS_CHECK',
    'LIMIT_NAVIGATION_GLOBAL_CHECK',
    'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
  ]) {
    assert.ok(ids.has(id), `expected ${id} among:\n${describe(serious(result))}`);
  }
  const weakCsp = result.issues.find((f) => f.id === 'CSP_GLOBAL_CHECK');
  assert.equal(weakCsp?.confidence.name, 'CERTAIN', 'a CSP with * and unsafe-inline is certainly weak');
});

test("the shell's CSP passes the scanner's CSP evaluation, bar the note on 'self'", async (t) => {
  // The shell hands the policy over as a constant, which the scanner cannot read; here it sees the string.
  const dir = tempDir(t, 'ksk-eneg-csp-');
  writeFileSync(
    path.join(dir, 'csp.ts'),
    `session.webRequest.onHeadersReceived((details, callback) => {
  callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [${JSON.stringify(CONTENT_SECURITY_POLICY)}] } });
});
`,
  );
  const csp = (await scan(dir)).issues.filter((f) => f.id === 'CSP_GLOBAL_CHECK');
  assert.equal(csp.length, 1);
  assert.equal(csp[0]?.sample, CONTENT_SECURITY_POLICY, 'the scanner evaluated our policy');
  // "Maybe weak" (FIRM) is the evaluator's note that script-src 'self' is unsafe on an origin that
  // hosts JSONP or uploads; app://ksk serves only the renderer build. A weak policy is CERTAIN.
  assert.equal(csp[0]?.severity.name, 'LOW');
  assert.equal(csp[0]?.confidence.name, 'FIRM');
});
