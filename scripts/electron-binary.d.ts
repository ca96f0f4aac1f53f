/** The Electron executable the electron package installed, or null when it is missing. */
export function electronBinary(): string | null;
