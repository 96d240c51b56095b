#!/usr/bin/env node
/** `cross-validate`: upstream-compatible trace generator. */
import { writeSync } from 'node:fs';
import { ByteWriter } from '../tracegen/encode/byte-writer.js';
import { doneBanner, EXIT, HELP_TEXT, parseCliArgs, startBanner } from '../tracegen/cli/cli-args.js';
import { renderEventStream } from '../tracegen/event-stream.js';
import { renderTrace } from '../tracegen/trace.js';
import { renderTraceWithLean } from '../tracegen/lean-render/explore-lean.js';
import { tuneV8ForShortRuns } from '../tracegen/v8-tuning.js';
import { versionLine } from '../tracegen/version.js';

const BROKEN_PIPE = 141;
const CHUNK = 1 << 20;

/**
 * Diagnostics go straight to fd 2: creating `process.stderr` loads Node's
 * stream machinery, a few milliseconds of startup. As with upstream's
 * std::cerr, a failure to write them is ignored.
 */
function writeStderr(text: string): void {
  const bytes = Buffer.from(text);
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(2, bytes, off, bytes.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') return;
    }
  }
}

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
      writeStderr(`cross-validate: cannot write output: ${(err as Error).message}\n`);
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
  if (parsed.kind === 'version') {
    writeAll(Buffer.from(`${versionLine('cross-validate')}\n`));
    return;
  }
  if (parsed.kind === 'error') {
    writeStderr(`cross-validate: ${parsed.message} (run with --help for more information)\n`);
    process.exitCode = parsed.exitCode;
    return;
  }

  const { seed, events, format, profile, emit, model } = parsed.options;
  writeStderr(startBanner(parsed.options));
  const out = new ByteWriter(CHUNK, writeAll);
  const options = { seed, events, profile };
  const total =
    emit === 'events' ? renderEventStream(options, out) : model === 'lean' ? renderTraceWithLean(options, out) : renderTrace(options, format, out);
  writeStderr(doneBanner(total));
  out.flush();
  process.exitCode = EXIT.ok;
}

tuneV8ForShortRuns();
main(process.argv.slice(2));
