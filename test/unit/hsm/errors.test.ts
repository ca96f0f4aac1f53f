import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitCodeFor, ExitCode } from '../../../core/cli/exitCodes.js';
import { HsmError, hsmErrorFromCkr, isHsmError } from '../../../core/hsm/errors.js';

test('PKCS#11 return values map to typed reasons with messages that name the operation, token and key', () => {
  const cases: [string, string][] = [
    ['CKR_PIN_INCORRECT', 'PIN_INCORRECT'],
    ['CKR_PIN_LOCKED', 'PIN_LOCKED'],
    ['CKR_TOKEN_NOT_PRESENT', 'TOKEN_REMOVED'],
    ['CKR_DEVICE_REMOVED', 'TOKEN_REMOVED'],
    ['CKR_SESSION_HANDLE_INVALID', 'TOKEN_REMOVED'],
    ['CKR_MECHANISM_INVALID', 'MECHANISM_NOT_SUPPORTED'],
    ['CKR_USER_NOT_LOGGED_IN', 'NOT_LOGGED_IN'],
    ['CKR_KEY_NOT_WRAPPABLE', 'KEY_NOT_EXTRACTABLE'],
    ['CKR_FUNCTION_FAILED', 'DEVICE_ERROR'],
  ];
  for (const [ckr, reason] of cases) {
    const e = hsmErrorFromCkr(ckr, { operation: 'sign with key "Kabc"', token: 'TOK', key: 'Kabc' });
    assert.ok(e instanceof HsmError);
    assert.equal(e.reason, reason, ckr);
    assert.equal(e.ckr, ckr);
    assert.equal(e.code, 'HSM_ERROR');
    assert.match(e.message, new RegExp(`^Could not sign with key "Kabc" \\(token "TOK", key "Kabc"\\): ${ckr}\\. `));
    assert.equal(exitCodeFor(e.code), ExitCode.HSM);
  }
  assert.match(hsmErrorFromCkr('CKR_PIN_LOCKED', { operation: 'log in' }).message, /do not try again/);
  assert.ok(isHsmError(hsmErrorFromCkr('CKR_PIN_INCORRECT', { operation: 'log in' }), 'PIN_INCORRECT'));
  assert.ok(!isHsmError(new Error('x')));
});
