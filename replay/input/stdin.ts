/** Checks fd 0 before reading it as a trace: a directory (`- < /some/dir`) cannot be read. */
import { fstatSync } from 'node:fs';

/** Why stdin cannot be read as a trace, or undefined when it can. */
export function unreadableStdin(): string | undefined {
  try {
    return fstatSync(0).isDirectory() ? 'is a directory' : undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EBADF' ? 'it is closed' : code;
  }
}
