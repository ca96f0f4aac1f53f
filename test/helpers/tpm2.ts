import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * tpm2-pkcs11 on the swtpm TPM 2.0 simulator: the second, independent PKCS#11 implementation the
 * tests run the HSM layer and ceremonies on (see docs/hsm-implementations.md). Each TPM is started
 * here with its own state folder and sockets, and everything is killed by pid when the test ends:
 *
 *   swtpm (unix sockets) <- tpm2-abrmd --session (the resource manager: without it the TPM runs
 *   out of object contexts) on a private dbus-daemon <- libtpm2_pkcs11.so (TCTI tabrmd, its store
 *   in the folder) <- the app.
 *
 * Tests skip, saying which package is missing, only when these are not installed; .ci/run installs them.
 */

export const TPM2_MODULE = '/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so';

const requirements: { file: string; pkg: string }[] = [
  { file: '/usr/bin/swtpm', pkg: 'swtpm' },
  { file: '/usr/sbin/tpm2-abrmd', pkg: 'tpm2-abrmd' },
  { file: '/usr/bin/dbus-daemon', pkg: 'dbus' },
  { file: '/usr/bin/dbus-send', pkg: 'dbus' },
  { file: '/usr/bin/tpm2_ptool', pkg: 'libtpm2-pkcs11-tools' },
  { file: '/usr/bin/tpm2_dictionarylockout', pkg: 'tpm2-tools' },
  { file: TPM2_MODULE, pkg: 'libtpm2-pkcs11-1' },
  { file: '/usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0', pkg: 'libtss2-tcti-tabrmd0' },
];

/** Why tpm2-pkcs11 cannot run here (the packages missing), or null when it can. */
export function tpm2Unavailable(): string | null {
  const missing = [...new Set(requirements.filter((r) => !existsSync(r.file)).map((r) => r.pkg))];
  return missing.length === 0 ? null : `tpm2-pkcs11 on swtpm needs the Debian packages ${missing.join(', ')} (not installed; .ci/run installs them)`;
}

export interface Tpm2Token {
  modulePath: string;
  label: string;
  soPin: string;
  userPin: string;
  /** What the module reads at C_Initialize and the TCTI at connect: give it as the session's env. */
  env: Record<string, string>;
  /** The process environment with env: for child processes (the CLI, pkcs11-tool). */
  processEnv: NodeJS.ProcessEnv;
  dir: string;
  /** Kills the daemons by pid and removes the folder (kept with KEEP_TMP=1). */
  stop(): Promise<void>;
}

function waitFor(what: string, ready: () => boolean, timeoutMs = 15000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (ready()) return resolve();
      if (Date.now() > until) return reject(new Error(`tpm2 test helper: ${what} did not come up within ${timeoutMs} ms`));
      setTimeout(poll, 50);
    };
    poll();
  });
}

function kill(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * A running TPM with tpm2-pkcs11 in front of it and one token (tpm2_ptool init and addtoken), torn
 * down by hooks.after. More tokens can be made on it through C_InitToken (the module always offers
 * one empty slot), as the rehearsal provisioning does. Starting one takes seconds, so a test file
 * starts one in its before() and stops it in a file-level after(): its tests' own t.after hooks
 * (which close their sessions) have run by then. It stops itself if it fails to start.
 */
export async function startTpm2(label = 'TEST', userPin = '1234', soPin = '5678'): Promise<Tpm2Token> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ksk-tpm2-'));
  const state = path.join(dir, 'state');
  const store = path.join(dir, 'store');
  mkdirSync(state);
  mkdirSync(store);
  const socket = path.join(dir, 'swtpm.sock');
  const children: ChildProcess[] = [];
  let dbusPid: number | undefined;
  const stop = async () => {
    for (const child of children.reverse()) {
      kill(child.pid);
      await exited(child);
    }
    kill(dbusPid);
    if (process.env.KEEP_TMP !== '1') rmSync(dir, { recursive: true, force: true });
  };
  try {
    return await start();
  } catch (e) {
    await stop();
    throw e;
  }

  async function start(): Promise<Tpm2Token> {
    const swtpm = spawn(
      'swtpm',
      [
        'socket',
        '--tpmstate',
        `dir=${state}`,
        '--tpm2',
        '--server',
        `type=unixio,path=${socket}`,
        '--ctrl',
        `type=unixio,path=${socket}.ctrl`,
        '--flags',
        'not-need-init,startup-clear',
      ],
      { stdio: 'ignore' },
    );
    children.push(swtpm);
    await waitFor('swtpm', () => existsSync(socket) && existsSync(`${socket}.ctrl`));

    const [address, pid] = execFileSync('dbus-daemon', ['--session', '--fork', '--print-address=1', '--print-pid=1'], { encoding: 'utf8' }).trim().split('\n');
    dbusPid = Number(pid);
    const busEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address as string };

    const abrmd = spawn('tpm2-abrmd', ['--session', `--tcti=swtpm:path=${socket}`, '--allow-root'], { stdio: 'ignore', env: busEnv });
    children.push(abrmd);
    const tabrmdOnBus = () => {
      try {
        const reply = execFileSync(
          'dbus-send',
          [
            '--session',
            '--print-reply',
            '--dest=org.freedesktop.DBus',
            '/org/freedesktop/DBus',
            'org.freedesktop.DBus.NameHasOwner',
            'string:com.intel.tss2.Tabrmd',
          ],
          { env: busEnv, encoding: 'utf8', stdio: 'pipe' },
        );
        return /boolean true/.test(reply);
      } catch {
        return false;
      }
    };
    await waitFor('tpm2-abrmd', tabrmdOnBus);

    const env = {
      DBUS_SESSION_BUS_ADDRESS: address as string,
      TPM2_PKCS11_TCTI: 'tabrmd:bus_type=session',
      TPM2TOOLS_TCTI: 'tabrmd:bus_type=session',
      TPM2_PKCS11_STORE: store,
    };
    const processEnv = { ...process.env, ...env };
    // swtpm's dictionary-attack defaults (3 failures, then 1000 s locked) would let one test's
    // deliberate wrong PIN lock the whole TPM for the next: a test TPM forgives after a second.
    execFileSync('tpm2_dictionarylockout', ['--clear-lockout', '--setup-parameters', '--max-tries=32', '--recovery-time=1', '--lockout-recovery-time=1'], {
      env: processEnv,
      stdio: 'pipe',
    });
    execFileSync('tpm2_ptool', ['init', '--path', store], { env: processEnv, stdio: 'pipe' });
    execFileSync('tpm2_ptool', ['addtoken', '--path', store, '--pid=1', `--label=${label}`, `--sopin=${soPin}`, `--userpin=${userPin}`], {
      env: processEnv,
      stdio: 'pipe',
    });
    return { modulePath: TPM2_MODULE, label, soPin, userPin, env, processEnv, dir, stop };
  }
}
