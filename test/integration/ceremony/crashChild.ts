import type { HsmProvider, HsmSessionPort } from '../../../core/hsm/port.js';
import { openWorkspace } from './world.js';

/**
 * Runs a rehearsal and is killed (SIGKILL, by itself) in the middle of an HSM operation of the
 * ceremony: right after the HSM generated a key and before the log recorded it ("generate"), or
 * while signing a KSR, before the HSM makes the fourth signature ("sign").
 * argv: workspace procedure generate|sign
 */
const [root, procedure, at] = process.argv.slice(2) as [string, 'ksk-generation' | 'ksr-signing', 'generate' | 'sign'];
const SIGNATURES_BEFORE_KILL = 3;

function killing(session: HsmSessionPort): HsmSessionPort {
  let signatures = 0;
  return new Proxy(session, {
    get(target, property, receiver) {
      if (property === 'generateKsk' && at === 'generate') {
        return async (...args: Parameters<HsmSessionPort['generateKsk']>) => {
          const made = await target.generateKsk(...args);
          process.kill(process.pid, 'SIGKILL');
          return made;
        };
      }
      if (property === 'sign' && at === 'sign') {
        return async (label: string, data: Uint8Array) => {
          if (signatures === SIGNATURES_BEFORE_KILL) process.kill(process.pid, 'SIGKILL');
          signatures++;
          return target.sign(label, data);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const opened = openWorkspace(root, {
  hsm: (native): HsmProvider => ({
    open: async (binding, options) => killing(await native.open(binding, options)),
    rehearsalToken: (hsmId) => native.rehearsalToken(hsmId),
    rehearsalSoPin: (binding) => native.rehearsalSoPin(binding),
  }),
});
await opened.rehearsal.rehearse(procedure);
await opened.close();
process.stdout.write('the rehearsal finished without being killed\n');
process.exitCode = 3;
