import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * An IANA zone name (`Europe/Berlin`, `Asia/Kolkata`, `UTC`) that the runtime's `Intl` also
 * knows, matched whatever its case and given back as the IANA database spells it:
 * `europe/berlin` becomes `Europe/Berlin`, and a link keeps its own name (`asia/kolkata` becomes
 * `Asia/Kolkata`, not ICU's `Asia/Calcutta`), so subscribers with a case-sensitive zone database
 * can read what is stored. Fixed offsets such as `+01:00` are refused: hours follow the rules of
 * a place, which an offset does not carry.
 */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .transform((name, context) => {
    const spelled = ianaZoneName(name);
    if (spelled === null) {
      context.addIssue({
        code: 'custom',
        message: 'must be an IANA time zone name such as Europe/Berlin',
      });
      return z.NEVER;
    }
    return spelled;
  });

/** The IANA spelling of a zone or link name given in any case, or null if it names none. */
export function ianaZoneName(name: string): string | null {
  const spelled = ianaNames().get(name.toLowerCase());
  return spelled !== undefined && intlKnows(spelled) ? spelled : null;
}

let namesByLowerCase: Map<string, string> | undefined;

/**
 * Every zone and link of the IANA database (the `tzdata` package, its zones keyed by name),
 * read on first use; IANA names never differ by case alone.
 */
function ianaNames(): Map<string, string> {
  if (namesByLowerCase === undefined) {
    const database = JSON.parse(readFileSync(require.resolve('tzdata'), 'utf8')) as {
      zones: Record<string, unknown>;
    };
    namesByLowerCase = new Map(
      Object.keys(database.zones).map((name) => [name.toLowerCase(), name]),
    );
  }
  return namesByLowerCase;
}

function intlKnows(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
