import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { SOFTHSM_MODULE, type TestToken } from '../../helpers/softhsm.js';
import { tempDir } from '../../helpers/tmp.js';

/** The KSK of the golden SKR: the shared test key imported under label RSA1. */
export const RSA1_KEY = `  ksk_RSA1:
    description: A SoftHSM key used in tests
    label: RSA1
    key_tag: 25486
    algorithm: RSASHA256
    rsa_size: 2048
    rsa_exponent: 65537
    valid_from: 2010-07-15T00:00:00+00:00
    ds_sha256: 6E7DF8A5D641564597B4E1B598B21A301C07A66A79E6A8ECBB43A31D20E89C20
`;

/** The token a policy's hsm section names: any module (a tpm2 token of test/helpers/tpm2.ts is one). */
export interface PolicyHsm {
  modulePath: string;
  label: string;
  userPin: string;
  env: Record<string, string>;
}

/**
 * A ksrsigner.yaml in IANA's format for a test token: its hsm section, the given keys, the
 * ksk_policy of the golden SKR, and the given schemas (one line per slot).
 */
export function writePolicyFile(
  t: Pick<TestContext, 'after'>,
  token: TestToken | PolicyHsm,
  keys: string,
  schemas: Record<string, (slot: number) => string>,
  extra = '',
): string {
  const hsm: PolicyHsm =
    'modulePath' in token ? token : { modulePath: SOFTHSM_MODULE, label: token.label, userPin: token.userPin, env: { SOFTHSM2_CONF: token.conf } };
  const file = path.join(tempDir(t), 'ksrsigner.yaml');
  const schemaText = Object.entries(schemas)
    .map(([name, slot]) => `  ${name}:\n${Array.from({ length: 9 }, (_, i) => `    ${i + 1}: ${slot(i + 1)}\n`).join('')}`)
    .join('');
  writeFileSync(
    file,
    `---
hsm:
  token:
    module: ${hsm.modulePath}
    pin: ${hsm.userPin}
    token_label: ${hsm.label}
    env:
${Object.entries(hsm.env)
  .map(([k, v]) => `      ${k}: ${v}\n`)
  .join('')}keys:
${keys}
ksk_policy:
  publish_safety: P10D
  retire_safety: P10D
  max_signature_validity: P21D
  min_signature_validity: P21D
  max_validity_overlap: P16D
  min_validity_overlap: P9D
  ttl: 172800
${extra}
schemas:
${schemaText}`,
  );
  return file;
}
