import { z } from 'zod';
import { channel } from '../channel.js';
import { fileRefSchema } from '../ceremonyState.js';

export const networkInterfaceSchema = z.object({
  name: z.string(),
  up: z.boolean(),
  loopback: z.boolean(),
  addresses: z.array(z.string()),
});

export const airGapReportSchema = z.object({
  checkedAt: z.string(),
  isolated: z.boolean(),
  interfaces: z.array(networkInterfaceSchema),
  defaultRoutes: z.array(z.string()),
  warnings: z.array(z.string()),
});
export type AirGapReport = z.infer<typeof airGapReportSchema>;

export const hsmModuleSchema = z.object({
  path: z.string(),
  present: z.boolean(),
});

export const appStatusSchema = z.object({
  appName: z.string(),
  version: z.string(),
  mode: z.enum(['rehearsal', 'production']),
  workspace: z.string(),
  databasePath: z.string(),
  hsmModules: z.array(hsmModuleSchema),
  airGap: airGapReportSchema,
});
export type AppStatus = z.infer<typeof appStatusSchema>;

/** One part the backend opened at start; a failure names the file, what it is, what is needed and the fix. */
export const startupCheckSchema = z.object({
  part: z.enum(['sqlite', 'pkcs11']),
  title: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  file: z.string().nullable(),
  found: z.string().nullable(),
  needed: z.string().nullable(),
  fix: z.string().nullable(),
});
export type StartupCheck = z.infer<typeof startupCheckSchema>;

/** The backend's self-check at start: SQLite and the evidence log, pkcs11js and the PKCS#11 module. */
export const startupReportSchema = z.object({
  ok: z.boolean(),
  runtime: z.string(),
  checks: z.array(startupCheckSchema),
});
export type StartupReport = z.infer<typeof startupReportSchema>;

export const fileHashSchema = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  pgpWords: z.array(z.string()).length(32),
});
export type FileHash = z.infer<typeof fileHashSchema>;

/** What a token can do, by the names a refusal uses (core/hsm/capabilities.ts Capability). */
export const hsmCapabilitySchema = z.object({ id: z.string(), title: z.string(), supported: z.boolean(), detail: z.string() });

/** The initialised tokens of each installed PKCS#11 module, with what each can and cannot do: the HSM part of the status screen. */
export const hsmTokensSchema = z.object({
  modules: z.array(
    z.object({
      path: z.string(),
      /** Manufacturer, description and version from C_GetInfo; null when the module could not be used. */
      library: z.string().nullable(),
      error: z.string().nullable(),
      tokens: z.array(
        z.object({
          slotId: z.string(),
          label: z.string(),
          serial: z.string(),
          model: z.string(),
          manufacturer: z.string(),
          capabilities: z.array(hsmCapabilitySchema),
        }),
      ),
    }),
  ),
});
export type HsmTokens = z.infer<typeof hsmTokensSchema>;

export const appChannels = {
  'app.status': channel(z.object({}), appStatusSchema),
  'app.startup': channel(z.object({}), startupReportSchema),
  'app.airGap': channel(z.object({}), airGapReportSchema),
  'hsm.tokens': channel(z.object({}), hsmTokensSchema),
  'hash.file': channel(z.object({ path: z.string().min(1, 'a file path is required') }), fileHashSchema),
  /**
   * A hash as the room reads it aloud: of a file handed over (by path or inline), or a SHA-256
   * given in hex (computed elsewhere, e.g. at boot), in hex and PGP words. Nothing is recorded:
   * the step that compares it records what was shown and matched.
   */
  'hash.describe': channel(
    z.strictObject({ subject: z.union([fileRefSchema, z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits') })]) }),
    z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), pgpWords: z.array(z.string()).length(32) }),
  ),
};
