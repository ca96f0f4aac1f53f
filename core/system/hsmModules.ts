import { existsSync, realpathSync } from 'node:fs';

/**
 * Where common PKCS#11 modules install themselves on Linux. The vendor library is configured by
 * path, never bundled; this list only helps the CA see what the laptop has.
 */
export const knownModulePaths = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/safenet/lunaclient/lib/libCryptoki2_64.so',
  '/opt/nfast/toolkits/pkcs11/libcknfast.so',
  '/usr/lib/x86_64-linux-gnu/pkcs11/yubihsm_pkcs11.so',
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
];

export function findHsmModules(extra: readonly string[] = []): { path: string; present: boolean }[] {
  return [...new Set([...extra, ...knownModulePaths])].map((path) => ({ path, present: existsSync(path) }));
}

/** The modules installed here, each library once (the same one is often installed under two paths, a symlink). */
export function presentModulePaths(extra: readonly string[] = []): string[] {
  const found = findHsmModules(extra).filter((m) => m.present);
  return found.filter((m, i) => found.findIndex((o) => realpathSync(o.path) === realpathSync(m.path)) === i).map((m) => m.path);
}

export function configuredModulePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KSK_PKCS11_MODULES ?? '').split(':').filter((p) => p.length > 0);
}
