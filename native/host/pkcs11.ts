import { existsSync, statSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import { HsmError, hsmErrorFromCkr, type HsmErrorContext } from '../../core/hsm/errors.js';
import { mechanismFlagNames, mechanismName, type HsmProfile } from '../../core/hsm/capabilities.js';
import type { ModuleDescription, SlotDescription, TokenDescription } from '../../core/hsm/port.js';
import { available, CK } from '../ck.js';

export type P11 = pkcs11js.PKCS11;
export type Handle = Buffer;

/** Turns a PKCS#11 return value into an HsmError naming what was being done. */
export function ckrError(e: unknown, ctx: HsmErrorContext): unknown {
  if (e instanceof HsmError) return e;
  if (e instanceof Error && /^CKR_[A-Z0-9_]+$/.test(e.message)) return hsmErrorFromCkr(e.message, ctx, e);
  return e;
}

export function call<T>(ctx: HsmErrorContext, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw ckrError(e, ctx);
  }
}

export async function callAsync<T>(ctx: HsmErrorContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw ckrError(e, ctx);
  }
}

const trim = (s: string) => s.replace(/\0+$/, '').trimEnd();
const version = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;

/**
 * Loads a PKCS#11 library and initialises it. A missing file, a library that is not PKCS#11 and a
 * module that refuses C_Initialize are told apart, because the CA fixes each differently.
 */
export function loadModule(modulePath: string): P11 {
  if (!existsSync(modulePath)) throw new HsmError('MODULE_NOT_FOUND', `There is no PKCS#11 module at ${modulePath}.`);
  if (!statSync(modulePath).isFile()) throw new HsmError('MODULE_NOT_FOUND', `${modulePath} is not a file, so it cannot be a PKCS#11 module.`);
  const p11 = new pkcs11js.PKCS11();
  try {
    p11.load(modulePath);
  } catch (e) {
    throw new HsmError(
      'NOT_PKCS11_MODULE',
      `${modulePath} is not a PKCS#11 module (it could not be loaded as one: ${(e as Error).message.split('\n')[0]}).`,
      undefined,
      { cause: e },
    );
  }
  try {
    p11.C_Initialize({ flags: CK.CKF_OS_LOCKING_OK });
  } catch (e) {
    const ckr = (e as Error).message;
    p11.close();
    if (ckr === 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      throw new HsmError('MODULE_BUSY', `The PKCS#11 module ${modulePath} is already in use elsewhere in this process; close its other sessions first.`, ckr);
    }
    throw new HsmError(
      'MODULE_INIT_FAILED',
      `The PKCS#11 module ${modulePath} refused to start (${ckr}). Check its configuration and that the HSM is connected.`,
      ckr,
      { cause: e },
    );
  }
  return p11;
}

export function unloadModule(p11: P11): void {
  try {
    p11.C_Finalize();
  } finally {
    p11.close();
  }
}

export function slotId(slot: Handle): string {
  return slot.readBigUInt64LE(0).toString();
}

export function describeToken(p11: P11, slot: Handle): TokenDescription {
  const t = call({ operation: 'read the token information' }, () => p11.C_GetTokenInfo(slot));
  const flag = (f: number) => (t.flags & f) !== 0;
  return {
    label: trim(t.label),
    serial: trim(t.serialNumber),
    model: trim(t.model),
    manufacturer: trim(t.manufacturerID),
    hardwareVersion: version(t.hardwareVersion),
    firmwareVersion: version(t.firmwareVersion),
    freePublicMemory: available(t.freePublicMemory),
    freePrivateMemory: available(t.freePrivateMemory),
    totalPublicMemory: available(t.totalPublicMemory),
    totalPrivateMemory: available(t.totalPrivateMemory),
    initialized: flag(CK.CKF_TOKEN_INITIALIZED),
    userPinInitialized: flag(CK.CKF_USER_PIN_INITIALIZED),
    userPinLocked: flag(CK.CKF_USER_PIN_LOCKED),
    userPinCountLow: flag(CK.CKF_USER_PIN_COUNT_LOW),
    userPinFinalTry: flag(CK.CKF_USER_PIN_FINAL_TRY),
    protectedAuthenticationPath: flag(CK.CKF_PROTECTED_AUTHENTICATION_PATH),
    loginRequired: flag(CK.CKF_LOGIN_REQUIRED),
  };
}

/** The capability profile of the token in a slot, as the module reports it (core/hsm/capabilities.ts). */
export function readProfile(p11: P11, slot: Handle): HsmProfile {
  const token = describeToken(p11, slot);
  const limits = call({ operation: 'read the token information' }, () => p11.C_GetTokenInfo(slot));
  const codes = call({ operation: 'list the mechanisms' }, () => p11.C_GetMechanismList(slot));
  return {
    module: moduleInfo(p11),
    token: {
      label: token.label,
      serial: token.serial,
      model: token.model,
      manufacturer: token.manufacturer,
      hardwareVersion: token.hardwareVersion,
      firmwareVersion: token.firmwareVersion,
      minPinLength: Number(limits.minPinLen),
      maxPinLength: Number(limits.maxPinLen),
      rng: (limits.flags & CK.CKF_RNG) !== 0,
    },
    mechanisms: [...new Set(codes)]
      .sort((a, b) => a - b)
      .map((code) => {
        const m = call({ operation: `read what mechanism ${mechanismName(code)} does` }, () => p11.C_GetMechanismInfo(slot, code));
        return {
          name: mechanismName(code),
          code,
          minKeySize: Number(m.minKeySize),
          maxKeySize: Number(m.maxKeySize),
          flags: mechanismFlagNames(Number(m.flags)),
        };
      }),
  };
}

/** A slot, its token, and the token's capability profile when asked for (one C_GetMechanismInfo per mechanism). */
export function describeSlot(p11: P11, slot: Handle, withProfile = false): SlotDescription {
  const s = call({ operation: 'read the slot information' }, () => p11.C_GetSlotInfo(slot));
  const present = (s.flags & CK.CKF_TOKEN_PRESENT) !== 0;
  const token = present ? describeToken(p11, slot) : null;
  return {
    id: slotId(slot),
    description: trim(s.slotDescription),
    manufacturer: trim(s.manufacturerID),
    hardwareVersion: version(s.hardwareVersion),
    firmwareVersion: version(s.firmwareVersion),
    tokenPresent: present,
    removable: (s.flags & CK.CKF_REMOVABLE_DEVICE) !== 0,
    hardware: (s.flags & CK.CKF_HW_SLOT) !== 0,
    token,
    profile: withProfile && token?.initialized ? readProfile(p11, slot) : null,
  };
}

/** C_GetInfo: who made the library, and its version and the Cryptoki version it implements. */
export function moduleInfo(p11: P11): { manufacturer: string; description: string; libraryVersion: string; cryptokiVersion: string } {
  const info = call({ operation: 'read the module information' }, () => p11.C_GetInfo());
  return {
    manufacturer: trim(info.manufacturerID),
    description: trim(info.libraryDescription),
    libraryVersion: version(info.libraryVersion),
    cryptokiVersion: version(info.cryptokiVersion),
  };
}

export function describeModule(p11: P11, modulePath: string, withProfiles = false): ModuleDescription {
  const info = moduleInfo(p11);
  const slots = call({ operation: 'list the slots' }, () => p11.C_GetSlotList(false));
  return { path: modulePath, ...info, slots: slots.map((slot) => describeSlot(p11, slot, withProfiles)) };
}

/**
 * The slot holding the token labelled so. Every way of not finding it gets its own reason: no
 * token at all, only uninitialised tokens, or tokens with other labels (listed).
 */
export function findTokenSlot(p11: P11, tokenLabel: string): Handle {
  const slots = call({ operation: 'list the slots' }, () => p11.C_GetSlotList(true));
  if (slots.length === 0) throw new HsmError('NO_TOKEN', `No token is present in any slot of the module; looking for "${tokenLabel}".`);
  const tokens = slots.map((slot) => ({ slot, token: describeToken(p11, slot) }));
  const matches = tokens.filter(({ token }) => token.initialized && token.label === tokenLabel);
  if (matches.length > 1) {
    throw new HsmError(
      'TOKEN_NOT_FOUND',
      `${matches.length} tokens are labelled "${tokenLabel}"; the app will not guess which one (serials ${matches.map((m) => m.token.serial).join(', ')}).`,
    );
  }
  const match = matches[0];
  if (match) {
    if (!match.token.userPinInitialized) {
      throw new HsmError('TOKEN_NOT_INITIALIZED', `The token "${tokenLabel}" has no user PIN yet: the Security Officer must set one before it can be used.`);
    }
    return match.slot;
  }
  const initialised = tokens.filter(({ token }) => token.initialized).map(({ token }) => `"${token.label}"`);
  if (initialised.length === 0) {
    throw new HsmError('TOKEN_NOT_INITIALIZED', `The module has ${tokens.length} token(s), none initialised; "${tokenLabel}" must be initialised first.`);
  }
  throw new HsmError('TOKEN_NOT_FOUND', `No token is labelled "${tokenLabel}"; the module has ${initialised.join(', ')}.`);
}

/**
 * Initialises the first uninitialised token of the module with a label and both PINs (rehearsal
 * provisioning). Refuses when a token already has the label, so nothing is ever re-initialised.
 */
export function initToken(p11: P11, label: string, soPin: string, userPin: string): TokenDescription {
  const slots = call({ operation: 'list the slots' }, () => p11.C_GetSlotList(true));
  const tokens = slots.map((slot) => ({ slot, token: describeToken(p11, slot) }));
  if (tokens.some(({ token }) => token.initialized && token.label === label)) {
    throw new HsmError('DUPLICATE_LABEL', `A token labelled "${label}" already exists; it is not initialised again.`);
  }
  const free = tokens.find(({ token }) => !token.initialized);
  if (!free) throw new HsmError('NO_TOKEN', `The module has no uninitialised token to make "${label}" from.`);
  const ctx = { operation: `initialise token "${label}"`, token: label };
  // PKCS#11 reads exactly 32 bytes of label, blank padded.
  call(ctx, () => p11.C_InitToken(free.slot, soPin, label.padEnd(32, ' ')));
  const slot = findInitialisedSlot(p11, label);
  const session = call(ctx, () => p11.C_OpenSession(slot, CK.CKF_SERIAL_SESSION | CK.CKF_RW_SESSION));
  try {
    call(ctx, () => p11.C_Login(session, CK.CKU_SO, soPin));
    call(ctx, () => p11.C_InitPIN(session, userPin));
    call(ctx, () => p11.C_Logout(session));
  } finally {
    p11.C_CloseSession(session);
  }
  return describeToken(p11, slot);
}

function findInitialisedSlot(p11: P11, label: string): Handle {
  const slots = call({ operation: 'list the slots' }, () => p11.C_GetSlotList(true));
  const slot = slots.find((s) => {
    const token = describeToken(p11, s);
    return token.initialized && token.label === label;
  });
  if (!slot) throw new HsmError('TOKEN_NOT_FOUND', `The token "${label}" just initialised cannot be found.`);
  return slot;
}
