// Input errors: one clear line naming the file, the key (or row/column) and what is allowed; the CLI prints
// the message as is and exits with code 2.

export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
