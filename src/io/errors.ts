// Input errors: one clear line naming the file, the key (or row/column) and what is allowed; the CLI prints
// the message as is and exits with code 2. Defined here, the lowest layer that throws them.

export class InputError extends Error {
  readonly exitCode = 2;
  /** `message` is made printable: control characters (line breaks included) escaped, at most 1000
   *  characters, so an error never echoes raw bytes or a whole file. */
  constructor(message: string) {
    super(printable(message, 1000));
    this.name = 'InputError';
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}

/** Text safe to echo in a one-line message: control characters escaped, at most 120 characters. */
export function printable(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > max ? `${t.slice(0, max)}…` : t;
}
