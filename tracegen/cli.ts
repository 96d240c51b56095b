#!/usr/bin/env node
/** `cross-validate`: upstream-compatible trace generator. */
import { writeSync } from 'node:fs';
import { ByteWriter } from './byte-writer.js';
import { EXIT, HELP_TEXT, parseCliArgs } from './cli-args.js';
import { renderTrace } from './trace.js';

const BROKEN_PIPE = 141;
const CHUNK = 1 << 20;

/** Blocking write of a whole chunk to fd 1, riding out EAGAIN on non-blocking pipes. */
function writeAll(chunk: Uint8Array): void {
  let off = 0;
  while (off < chunk.length) {
    try {
      off += writeSync(1, chunk, off, chunk.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') process.exit(BROKEN_PIPE);
      process.stderr.write(`cross-validate: cannot write output: ${(err as Error).message}\n`);
      process.exit(1);
    }
  }
}

function main(argv: readonly string[]): void {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === 'help') {
    writeAll(Buffer.from(HELP_TEXT));
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`cross-validate: ${parsed.message} (run with --help for more information)\n`);
    process.exitCode = parsed.exitCode;
    return;
  }

  const { seed, events, format, profile } = parsed.options;
  process.stderr.write(`Cross-validation driver: seed=${seed} events=${events} format=${format} profile=${profile}\n`);
  const out = new ByteWriter(CHUNK, writeAll);
  const total = renderTrace({ seed, events, profile }, format, out);
  process.stderr.write(`Done. Total events: ${total}\n`);
  out.flush();
  process.exitCode = EXIT.ok;
}

main(process.argv.slice(2));
