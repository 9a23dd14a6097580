// `kubectl.applyArgs`: DevSpace passes them to `kubectl apply`; dsg applies objects itself, server-side. The
// arguments that mean something for a server-side apply are honoured, every other one is named as ignored (the
// config loader warns with its location), and only what is honoured reaches the deploy key.

/** How the API server treats unknown or duplicate fields (`fieldValidation`), as kubectl's `--validate` sets it. */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** What the deploy makes of `applyArgs`. */
export interface ApplyOptions {
  fieldValidation: FieldValidation;
}

/** An argument dsg does not act on, and why. */
export interface IgnoredApplyArg {
  index: number;
  arg: string;
  why: string;
}

/** The options `applyArgs` ask for, and the arguments that change nothing here. */
export function applyOptions(args: readonly string[]): { options: ApplyOptions; ignored: IgnoredApplyArg[] } {
  const options: ApplyOptions = { fieldValidation: 'Strict' };
  const ignored: IgnoredApplyArg[] = [];
  for (const [index, arg] of args.entries()) {
    const [flag, value] = splitFlag(arg);
    if (flag === '--validate') {
      const validation = VALIDATE[(value ?? 'true').toLowerCase()];
      if (validation) options.fieldValidation = validation;
      else ignored.push({ index, arg, why: 'kubectl takes true, false, strict, warn or ignore' });
    } else if ((flag === '--server-side' || flag === '--force-conflicts') && (value ?? 'true') === 'true') {
      // What dsg always does: a server-side apply that takes over conflicting fields.
    } else ignored.push({ index, arg, why: IGNORED[flag] ?? 'dsg applies objects itself, server-side' });
  }
  return { options, ignored };
}

const VALIDATE: Readonly<Record<string, FieldValidation>> = {
  true: 'Strict',
  strict: 'Strict',
  warn: 'Warn',
  false: 'Ignore',
  ignore: 'Ignore',
};

const IGNORED: Readonly<Record<string, string>> = {
  '--field-manager': 'dsg applies as field manager "dsg", which is how it tells hand edits',
  '--prune': 'dsg prunes what left the render itself',
  '--force': 'dsg never deletes and recreates an object to apply it',
  '--dry-run': 'use `dsg run render` to see what would be applied',
  '-n': 'the namespace comes from `namespace:` or `-n`',
  '--namespace': 'the namespace comes from `namespace:` or `-n`',
};

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq < 0 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}
