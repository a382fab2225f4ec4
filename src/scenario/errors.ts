// Input errors: one clear line naming the file, the key (or row/column) and what is allowed; exit code 2.
// The class lives in src/io/errors.ts (the lowest layer that throws it); re-exported here for the layers above.
export { InputError, isInputError, printable } from '../io/errors.js';
