import type { CommandEntry } from '../command.js';

/**
 * Every subcommand of ksk-ceremony; each domain adds its own here. An entry holds what finding a
 * command by its words and listing it in help need; its module (and so PDF rendering, the contract's
 * schemas, the PKCS#11 host, whatever it uses) is imported only when that command is run.
 */
export const commands: readonly CommandEntry[] = [
  {
    path: ['hash'],
    summary: 'SHA-256 of a file in hex and as PGP words, as read aloud in a ceremony',
    load: async () => (await import('./hash.js')).hashCommand,
  },
  {
    path: ['hsm', 'list'],
    summary: 'PKCS#11 modules, their slots and tokens (label, serial, model, manufacturer, firmware, free memory) and what each token can and cannot do',
    load: async () => (await import('./hsm.js')).hsmListCommand,
  },
  {
    path: ['key', 'list'],
    summary: 'Keys on a token: label, ID, algorithm, size, key tag, attributes',
    load: async () => (await import('./key.js')).keyListCommand,
  },
  {
    path: ['key', 'generate'],
    summary: 'Generate a KSK in the HSM; prints label, DNSKEY, key tag and DS (hex and PGP words)',
    load: async () => (await import('./key.js')).keyGenerateCommand,
  },
  {
    path: ['key', 'delete'],
    summary: 'Destroy a key (both halves) and prove it is gone by searching again',
    load: async () => (await import('./key.js')).keyDeleteCommand,
  },
  {
    path: ['ksr', 'check'],
    summary: 'every policy check on a KSR (and against the previous SKR); exit 0 only when all enabled checks pass',
    load: async () => (await import('./ksr.js')).ksrCheckCommand,
  },
  {
    path: ['ksr', 'sign'],
    summary: 'check a KSR, sign it in the HSM the policy names, write the SKR atomically',
    load: async () => (await import('./ksr.js')).ksrSignCommand,
  },
  {
    path: ['ksr', 'generate'],
    summary: "a rehearsal KSR for a quarter, from a stand-in ZSK operator whose ZSKs live in the workspace's rehearsal token (provisioned on first use)",
    load: async () => (await import('./ksr.js')).ksrGenerateCommand,
  },
  {
    path: ['skr', 'verify'],
    summary: 'verify every signature of every bundle of an SKR, offline',
    load: async () => (await import('./skr.js')).skrVerifyCommand,
  },
  {
    path: ['trust-anchor'],
    summary: "root-anchors.xml (RFC 9718) for the policy's KSKs, read from the HSM, with their DS, DNSKEY and digest words",
    load: async () => (await import('./trustAnchor.js')).trustAnchorCommand,
  },
  {
    path: ['log', 'verify'],
    summary: 'verify an evidence log offline: every chain, artifact and seal; names the first event that differs',
    load: async () => (await import('./log.js')).logVerifyCommand,
  },
  {
    path: ['log', 'show'],
    summary: 'list the ceremonies of an evidence log, or the events of one (--ceremony ID)',
    load: async () => (await import('./log.js')).logShowCommand,
  },
  {
    path: ['log', 'export'],
    summary: 'write one sealed ceremony (events, artifacts, seal) to a new evidence log that verifies on its own',
    load: async () => (await import('./log.js')).logExportCommand,
  },
  {
    path: ['triage'],
    summary:
      'what the DR document prescribes now, and why: the procedure (and its branch), or no DR procedure yet while a reschedule or repair fits before the SKR is due',
    load: async () => (await import('./triage.js')).triageCommand,
  },
  {
    path: ['rehearse'],
    summary: "runs a whole ceremony headless on the workspace's rehearsal tokens with simulated participants (builds the world it needs first)",
    load: async () => (await import('./rehearse.js')).rehearseCommand,
  },
  {
    path: ['ceremony', 'list'],
    summary: 'the ceremonies of a workspace: procedure, status, steps done, log head',
    load: async () => (await import('./ceremony.js')).ceremonyListCommand,
  },
  {
    path: ['ceremony', 'show'],
    summary: 'one ceremony as its log records it: every step with its time, performer and initials, exceptions, attestations',
    load: async () => (await import('./ceremony.js')).ceremonyShowCommand,
  },
  {
    path: ['script', 'list'],
    summary: 'the ceremony script templates shipped with the app',
    load: async () => (await import('./script.js')).scriptListCommand,
  },
  {
    path: ['script', 'show'],
    summary: 'a ceremony script resolved into its acts and steps, with its hash (--yaml: the plain document)',
    load: async () => (await import('./script.js')).scriptShowCommand,
  },
  {
    path: ['script', 'validate'],
    summary: 'check an adapted ceremony script: every problem with its file, line and place in the script',
    load: async () => (await import('./script.js')).scriptValidateCommand,
  },
  {
    path: ['script', 'adapt'],
    summary: 'start an operator’s own script from a template: the plain resolved document, to edit and validate',
    load: async () => (await import('./script.js')).scriptAdaptCommand,
  },
  {
    path: ['document'],
    summary: 'render a printed document of a ceremony from its log (script, record, letters, share sheets, trust anchor) to a PDF',
    load: async () => (await import('./document.js')).documentCommand,
  },
  {
    path: ['bundle', 'export'],
    summary: "write a ceremony's bundle for auditors (log snapshot, PDFs, artifacts, manifest) to a USB stick or folder, verified before it is named",
    load: async () => (await import('./bundle.js')).bundleExportCommand,
  },
  {
    path: ['bundle', 'verify'],
    summary: 'verify an exported bundle offline: manifest, hash chain, artifacts, seal, SKR signatures, PDFs; prints the log head in PGP words',
    load: async () => (await import('./bundle.js')).bundleVerifyCommand,
  },
  {
    path: ['bundle', 'media'],
    summary: 'list the removable media mounted now (under /media and /run/media), with free space',
    load: async () => (await import('./bundle.js')).bundleMediaCommand,
  },
];
