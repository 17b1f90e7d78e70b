/**
 * Compose's variable interpolation (the subset the Compose specification defines):
 * `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$$`.
 * Used to see the environment a container would get from infra/.env.
 */
const PATTERN = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export interface Interpolation {
  readonly name: string;
  /** `:-`, `-`, `:?`, `?` or undefined. */
  readonly operator: string | undefined;
  readonly argument: string | undefined;
}

/** Every `${...}` / `$VAR` reference in a string. */
export function references(value: string): Interpolation[] {
  const found: Interpolation[] = [];
  for (const m of value.matchAll(PATTERN)) {
    const name = m[1] ?? m[4];
    if (name !== undefined) found.push({ name, operator: m[2], argument: m[3] });
  }
  return found;
}

/** The value with every reference resolved from `vars`; a `?` reference left unset throws. */
export function interpolate(value: string, vars: ReadonlyMap<string, string>): string {
  return value.replace(PATTERN, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const v = vars.get(name);
    const unsetOrEmpty = v === undefined || v === '';
    switch (op) {
      case ':-':
        return unsetOrEmpty ? (arg ?? '') : v;
      case '-':
        return v === undefined ? (arg ?? '') : v;
      case ':?':
        if (unsetOrEmpty) throw new Error(`${name}: ${arg || 'required'}`);
        return v;
      case '?':
        if (v === undefined) throw new Error(`${name}: ${arg || 'required'}`);
        return v;
      default:
        return v ?? '';
    }
  });
}
