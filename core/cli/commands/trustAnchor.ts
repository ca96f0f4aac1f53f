import { existsSync } from 'node:fs';
import { writeFileAtomic } from '../../dnssec/files.js';
import { resolveKsk } from '../../dnssec/kskKeys.js';
import { trustAnchorEntries, trustAnchorXml, type TrustAnchorKey } from '../../dnssec/trustAnchor.js';
import { KskError } from '../../errors.js';
import { describeHash } from '../../hash/match.js';
import { sha256 } from '../../hash/sha256.js';
import { output, parseCommandArgs, requireString, UsageError, type CommandImpl } from '../command.js';
import { ExitCode } from '../exitCodes.js';
import { loadPolicy, openPolicyHsm } from './ksr.js';

export const trustAnchorCommand: CommandImpl = {
  usage: 'ksk-ceremony trust-anchor --policy ksrsigner.yaml --out root-anchors.xml [--keys NAME,...] [--id ID] [--source URL] [--rfc7958] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        policy: { type: 'string' },
        out: { type: 'string' },
        keys: { type: 'string' },
        id: { type: 'string' },
        source: { type: 'string' },
        rfc7958: { type: 'boolean', default: false },
      },
      this,
    );
    if (positionals.length > 0) throw new UsageError(`trust-anchor takes no positional argument.\nusage: ${this.usage}`);
    const out = requireString(values.out, 'out', this);
    if (existsSync(out)) throw new KskError('CONFLICT', `${out} already exists; choose another --out.`);
    const policy = await loadPolicy(requireString(values.policy, 'policy', this));
    const names = values.keys
      ? values.keys
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n.length > 0)
      : Object.keys(policy.keys);
    if (names.length === 0) throw new UsageError('The policy defines no keys (its keys section is empty).');
    for (const name of names) if (!policy.keys[name]) throw new UsageError(`The policy has no key "${name}" (it has: ${Object.keys(policy.keys).join(', ')}).`);
    const zone = policy.kskPolicy.signersName;
    const hsm = await openPolicyHsm(policy, io);
    const anchors: TrustAnchorKey[] = [];
    try {
      for (const name of names) {
        const config = policy.keys[name] as NonNullable<(typeof policy.keys)[string]>;
        const { dnskey, problems } = await resolveKsk(config, hsm, zone);
        if (problems.length > 0 || !dnskey) throw new KskError('POLICY_FAILURE', `KSK-KEY-USE: ${problems.join('; ')}.`);
        anchors.push({ id: config.label, dnskey, validFrom: config.validFrom, ...(config.validUntil !== undefined ? { validUntil: config.validUntil } : {}) });
      }
    } finally {
      await hsm.close();
    }
    const xml = trustAnchorXml(anchors, {
      zone,
      includePublicKey: !values.rfc7958,
      ...(values.id ? { id: values.id } : {}),
      ...(values.source ? { source: values.source } : {}),
    });
    await writeFileAtomic(out, xml);
    const entries = trustAnchorEntries(anchors, zone, policy.kskPolicy.ttl);
    const { hex, pgpWords } = describeHash(sha256(xml));
    output(io, values.json, { file: out, sha256: hex, pgpWords, keys: entries }, () =>
      [
        `trust anchor written: ${out}`,
        `  SHA-256: ${hex}`,
        `  words:   ${pgpWords.join(' ')}`,
        ...entries.flatMap((e) => [
          '',
          `${e.id}: key tag ${e.keyTag}, algorithm ${e.algorithm}, valid from ${e.validFrom}${e.validUntil ? ` until ${e.validUntil}` : ''}`,
          `  ${e.dsSha256}`,
          `  ${e.dsSha384}`,
          `  ${e.dnskey}`,
          `  digest words: ${e.digestPgpWords.join(' ')}`,
        ]),
      ].join('\n'),
    );
    return ExitCode.OK;
  },
};
