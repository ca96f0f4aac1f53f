import type { StartupCheck } from '../contract/channels/app.js';
import { messageOf } from '../errors.js';
import { currentRuntime, loadAddon, NativeAddonError, pkcs11AddonFile } from '../system/nativeAddons.js';
import type { Workspace } from '../workspace/workspace.js';
import type { Mode } from './context.js';
import { describeModule } from '../../native/index.js';
import { findSoftHsmModule, rehearsalModuleEnv } from '../../native/rehearsal.js';

/**
 * The backend's self-check at start: SQLite is loaded and the workspace's evidence log opened, and
 * pkcs11js is loaded and the PKCS#11 module initialised, before the CA sees anything. A part that
 * fails is reported with what failed, what was found and needed, and the fix, and the UI shows
 * that instead of a home screen whose first call would fail.
 */

export const runtimeDescription = `${currentRuntime.name} ${currentRuntime.version} (NODE_MODULE_VERSION ${currentRuntime.abi}, Node-API ${currentRuntime.napi})`;

const titles = { sqlite: 'SQLite and the evidence log', pkcs11: 'PKCS#11' } as const;

/** A failed part; an addon that cannot load brings its own fix. */
function failed(part: StartupCheck['part'], e: unknown, fix: string | null): StartupCheck {
  if (e instanceof NativeAddonError) {
    const { addon, reason, file, found, needed } = e.failure;
    return { part, title: titles[part], ok: false, detail: `${addon} cannot be loaded: ${reason}`, file, found, needed, fix: e.failure.fix };
  }
  return { part, title: titles[part], ok: false, detail: messageOf(e), file: null, found: null, needed: null, fix };
}

function passed(part: StartupCheck['part'], detail: string): StartupCheck {
  return { part, title: titles[part], ok: true, detail, file: null, found: null, needed: null, fix: null };
}

/** Opens the evidence log with `open` (which loads the SQLite binary first, and keeps the log open for the engine). */
export function checkSqlite(workspace: Workspace, open: () => void): StartupCheck {
  try {
    open();
    return passed('sqlite', `The evidence log ${workspace.database} is open.`);
  } catch (e) {
    return failed('sqlite', e, `make ${workspace.database} and its folder readable and writable (see above), then start KSK Ceremony again.`);
  }
}

/**
 * Loads pkcs11js and initialises the module: in a rehearsal SoftHSM2 on the workspace's token
 * folder, in production every module configured in KSK_PKCS11_MODULES (a script's HSMs name
 * their module themselves, and are opened when the ceremony binds them).
 */
export async function checkPkcs11(workspace: Workspace, mode: Mode, modulePaths: readonly string[]): Promise<StartupCheck> {
  try {
    loadAddon('PKCS#11 (pkcs11js)', pkcs11AddonFile(), 'HSM_ERROR');
  } catch (e) {
    return failed('pkcs11', e, null);
  }
  const rehearsal = mode === 'rehearsal';
  const fix = rehearsal
    ? 'install SoftHSM2 (the softhsm2 package) for rehearsals, then start KSK Ceremony again.'
    : 'check the library paths in KSK_PKCS11_MODULES and the HSM client installation, then start KSK Ceremony again.';
  try {
    const modules = rehearsal ? [{ modulePath: findSoftHsmModule(), env: rehearsalModuleEnv(workspace) }] : modulePaths.map((modulePath) => ({ modulePath }));
    const opened: string[] = [];
    for (const options of modules) {
      const module = await describeModule(options);
      opened.push(`${module.path} (${module.manufacturer} ${module.libraryVersion}, ${module.slots.length} slot${module.slots.length === 1 ? '' : 's'})`);
    }
    return passed(
      'pkcs11',
      opened.length > 0
        ? `pkcs11js is loaded; initialised ${opened.join(', ')}.`
        : 'pkcs11js is loaded; no PKCS#11 module is configured in KSK_PKCS11_MODULES (each HSM opens its module when a ceremony binds it).',
    );
  } catch (e) {
    return failed('pkcs11', e, fix);
  }
}
