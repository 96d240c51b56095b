/** Usage errors on one line, for every bin (kept apart from args.ts so the small bins load nothing more). */

/**
 * A commander error message on one line: without the `error: ` prefix, and
 * with commander's "(Did you mean --x?)" line, when it has one, kept as a
 * clause of the same line.
 */
export function oneLineError(message: string): string {
  const [first, ...rest] = message.replace(/^error: /, '').split('\n');
  const hint = rest.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l.trim())?.[1]).find((h) => h !== undefined);
  return hint === undefined ? first! : `${first} (did you mean ${hint}?)`;
}
