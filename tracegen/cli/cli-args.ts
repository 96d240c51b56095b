/**
 * Command-line parsing compatible with upstream `cross_validate` (CLI11 2.6):
 * the same options, defaults, accepted spellings and error classes, and the
 * same exit codes. Messages are single lines.
 *
 * Why not commander: CLI11 has its own rules that scripts may rely on (a
 * required value is taken even when it looks like an option, `--events -5`
 * is a value, `--seed=` is a missing value, errors are checked in option
 * order after `--help`), and exact argv compatibility is the point here.
 */
import { parseCliInt, parseCliUnsigned } from './c-integer.js';
import { PROFILES, UPSTREAM_PROFILES, type Profile } from '../generator.js';
import { EMITS, type Emit } from '../event-stream.js';
import { FORMATS, type Format } from '../trace.js';

export interface CliOptions {
  readonly seed: bigint;
  readonly events: number;
  readonly format: Format;
  readonly profile: Profile;
  /** Ours, not upstream's: `events` writes only the event stream (docs/protocol.md). */
  readonly emit: Emit;
  /** Ours: which model's snapshots the trace carries (the events are the same). */
  readonly model: TraceModel;
}

/** `cpp`: the C++ port, as upstream's generator; `lean`: the Lean mirror (lean/). */
export type TraceModel = 'cpp' | 'lean';
export const TRACE_MODELS: readonly TraceModel[] = ['cpp', 'lean'];

/** Exit statuses, numerically identical to CLI11's. */
export const EXIT = {
  ok: 0,
  conversion: 104,
  validation: 105,
  extras: 109,
  argumentMismatch: 114,
} as const;

export type CliParse =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'error'; readonly exitCode: number; readonly message: string };

interface OptionSpec {
  readonly name: '--seed' | '--events' | '--format' | '--profile' | '--emit' | '--model';
  readonly typeName: string;
  readonly choices?: readonly string[];
  /** Choices named in the error message, when it must read as upstream's. */
  readonly listed?: readonly string[];
}

const OPTIONS: readonly OptionSpec[] = [
  { name: '--seed', typeName: 'UINT' },
  { name: '--events', typeName: 'INT' },
  { name: '--format', typeName: 'TEXT:{jsonl,legacy}', choices: FORMATS },
  { name: '--profile', typeName: 'TEXT:{full,lean-core}', choices: PROFILES, listed: UPSTREAM_PROFILES },
  { name: '--emit', typeName: 'TEXT:{trace,events}', choices: EMITS },
  { name: '--model', typeName: 'TEXT:{cpp,lean}', choices: TRACE_MODELS },
];

const DEFAULTS: CliOptions = { seed: 42n, events: 30, format: 'jsonl', profile: 'full', emit: 'trace', model: 'cpp' };

const validFirst = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_?@]/.test(ch);

function fail(exitCode: number, message: string): CliParse {
  return { kind: 'error', exitCode, message };
}

export function parseCliArgs(argv: readonly string[]): CliParse {
  const scanned = scanArgs(argv);
  if ('kind' in scanned) return scanned;
  if (scanned.help) return { kind: 'help' };
  if (scanned.version) return { kind: 'version' };
  const options = applyValues(scanned.values);
  if ('kind' in options) return options;
  const { extras } = scanned;
  if (extras.length === 1) return fail(EXIT.extras, `The following argument was not expected: ${extras[0]}`);
  if (extras.length > 1) return fail(EXIT.extras, `The following arguments were not expected: ${extras.join(' ')}`);
  if (options.emit === 'events' && options.format !== 'jsonl') return fail(EXIT.validation, '--emit events needs --format jsonl');
  if (options.model === 'lean' && options.format !== 'jsonl') return fail(EXIT.validation, '--model lean needs --format jsonl');
  return { kind: 'run', options };
}

interface ScannedArgs {
  /** The values given to each known option, in order. */
  readonly values: Map<string, string[]>;
  readonly extras: string[];
  readonly help: boolean;
  readonly version: boolean;
}

/** The first pass, as CLI11 makes it: options and their values, help and version, and whatever is left over. */
function scanArgs(argv: readonly string[]): ScannedArgs | CliParse {
  const scanned = { values: new Map<string, string[]>(), extras: [] as string[], help: false, version: false };
  let positionalOnly = false;
  const args = [...argv];
  while (args.length > 0) {
    const arg = args.shift() as string;
    if (positionalOnly) {
      scanned.extras.push(arg);
    } else if (arg === '--') {
      positionalOnly = true;
      scanned.extras.push(arg);
    } else if (arg.startsWith('--') && validFirst(arg[2])) {
      const problem = scanLongOption(arg, args, scanned);
      if (problem !== undefined) return problem;
    } else if (arg === '-V') {
      // Ours, as every bin of the toolkit takes it (upstream has no version option).
      scanned.version = true;
    } else if (arg.startsWith('-') && validFirst(arg[1]) && !/[0-9]/.test(arg[1] as string)) {
      // A dash followed by a digit is a (negative) number, not a short option.
      if (arg[1] === 'h') scanned.help = true;
      else scanned.extras.push(arg);
    } else {
      scanned.extras.push(arg);
    }
  }
  return scanned;
}

/** Ours: `--event`, as replay-fuzz spells it, is `--events` (upstream knows neither alias). */
const ALIASES: Readonly<Record<string, string>> = { '--event': '--events' };
const canonicalName = (name: string): string => ALIASES[name] ?? name;

function scanLongOption(arg: string, rest: string[], scanned: { values: Map<string, string[]>; extras: string[]; help: boolean; version: boolean }): CliParse | undefined {
  const eq = arg.indexOf('=');
  const name = canonicalName(eq < 0 ? arg : arg.slice(0, eq));
  const inline = eq < 0 ? undefined : arg.slice(eq + 1);
  if (name === '--help') {
    scanned.help = true;
    return undefined;
  }
  if (name === '--version' && inline === undefined) {
    scanned.version = true;
    return undefined;
  }
  const spec = OPTIONS.find((o) => o.name === name);
  if (spec === undefined) {
    scanned.extras.push(arg);
    return undefined;
  }
  // A required value is taken from the next argument whatever it looks like.
  const value = inline !== undefined && inline !== '' ? inline : rest.shift();
  if (value === undefined) return fail(EXIT.argumentMismatch, `${spec.name}: 1 required ${spec.typeName} missing`);
  scanned.values.set(spec.name, [...(scanned.values.get(spec.name) ?? []), value]);
  return undefined;
}

/** The second pass: each option's values checked (choices, count) and converted, in declaration order. */
function applyValues(values: ReadonlyMap<string, readonly string[]>): CliOptions | CliParse {
  let options = DEFAULTS;
  for (const spec of OPTIONS) {
    const given = values.get(spec.name);
    if (given === undefined) continue;
    for (const value of given) {
      if (spec.choices !== undefined && !spec.choices.includes(value)) {
        return fail(EXIT.validation, `${spec.name}: ${value} not in {${(spec.listed ?? spec.choices).join(',')}}`);
      }
    }
    if (given.length > 1) {
      return fail(EXIT.argumentMismatch, `${spec.name}: At most 1 required but received ${given.length}`);
    }
    const next = withValue(options, spec.name, given[0] as string);
    if (next === undefined) return fail(EXIT.conversion, `Could not convert: ${spec.name} = ${given[0]}`);
    options = next;
  }
  return options;
}

/** `options` with one option's value; undefined when the value does not convert. */
function withValue(options: CliOptions, name: string, value: string): CliOptions | undefined {
  switch (name) {
    case '--seed': {
      const seed = value === '' ? 0n : parseCliUnsigned(value);
      return seed === undefined ? undefined : { ...options, seed };
    }
    case '--events': {
      const events = value === '' ? 0 : parseCliInt(value);
      return events === undefined ? undefined : { ...options, events };
    }
    case '--format':
      return { ...options, format: value as Format };
    case '--profile':
      return { ...options, profile: value as Profile };
    case '--emit':
      return { ...options, emit: value as Emit };
    case '--model':
      return { ...options, model: value as TraceModel };
    default:
      return options;
  }
}

/** Upstream's first stderr line: the settings in effect. */
export function startBanner(o: CliOptions): string {
  return `Cross-validation driver: seed=${o.seed} events=${o.events} format=${o.format} profile=${o.profile}\n`;
}

/** Upstream's last stderr line: the steps written, Initialize included. */
export function doneBanner(total: number): string {
  return `Done. Total events: ${total}\n`;
}

export const HELP_TEXT = `Cross-validation driver for the peering state machine (TypeScript port)

Generates one seeded random event trace, runs it through the reducer and
prints replay lines on stdout; byte-identical to upstream cross_validate.

Usage: cross-validate [OPTIONS]

Options:
  -h, --help              Print this help message and exit
  -V, --version           Print the version and exit (not in upstream)
  --seed UINT [42]        Random seed, any uint64 (0..18446744073709551615);
                          the engine uses it modulo 2^32, output prints it whole
  --events INT [30]       Max events per trace after Initialize; the count is
                          drawn uniformly from [min(50, N), N]; N <= 0 gives
                          just the Initialize step (alias --event, as
                          replay-fuzz spells it; not in upstream)
  --format TEXT:{jsonl,legacy} [jsonl]
                          Output format: JSON Lines with a summary line, or the
                          legacy line-oriented text
  --profile TEXT:{full,lean-core,explore} [full]
                          Event profile: lean-core is the proof-aligned subset,
                          full adds deletes and sparse activation payloads;
                          explore (this toolkit's own, not upstream's) draws
                          inputs where the C++ and Lean models disagree
  --emit TEXT:{trace,events} [trace]
                          Not in upstream: events writes only the event stream
                          (one event per line, then the summary line), the
                          input of an implementation under test; see
                          docs/protocol.md in peering-crossval
  --model TEXT:{cpp,lean} [cpp]
                          Not in upstream: whose snapshots, checks and effects
                          the trace carries, for the same events: the C++
                          reducer's (as upstream) or the Lean model's

Numbers are read like C's strtoull/strtoll with base 0, as upstream does:
0x10 is 16, 010 is 8, 0b101 is 5, and '_', "'" and ',' group separators are
ignored. An empty value means 0. Options may be written --name VALUE or
--name=VALUE, in any order, each at most once.

stderr gets two banner lines: the effective settings, then the event total.

Exit status:
  0    success (or --help, --version)
  104  a value could not be converted (e.g. --events abc, --seed -1)
  105  a value is not allowed (e.g. --profile foo, --emit events --format legacy)
  109  unexpected arguments
  114  a value is missing, or an option was given twice
  141  stdout was closed early (broken pipe)
Errors print one line on stderr and nothing on stdout.
`;
