/**
 * A checker for the rules of the Ant JUnit XML schema (JUnit.xsd as
 * published by Windy Road, the format Jenkins, GitLab and most CI readers
 * take), written here because no XSD validator on npm runs offline without
 * a native or Java build (see docs/reports.md). It parses the small XML
 * subset our writer uses and reports every rule it finds broken.
 */

export interface XmlElement {
  readonly name: string;
  readonly attrs: ReadonlyMap<string, string>;
  readonly children: readonly XmlElement[];
  readonly text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;]*);/g, (_m, name: string) => {
    if (name in ENTITIES) return ENTITIES[name]!;
    const code = /^#x([0-9a-fA-F]+)$/.exec(name)?.[1] ?? /^#([0-9]+)$/.exec(name)?.[1];
    if (code === undefined) throw new Error(`unknown entity &${name}; near ${where}`);
    return String.fromCodePoint(name.startsWith('#x') ? parseInt(code, 16) : Number(code));
  });
}

/** Parses one document: an optional XML declaration, then one root element. */
export function parseXml(text: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${at}`);
  };
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n?/.exec(text);
  if (decl) at = decl[0].length;
  if (/[<&]/.test(text.slice(at).replace(/<[^>]*>|&[^;\s]*;/g, ''))) fail('a bare < or &');

  function element(): XmlElement {
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(text.slice(at));
    if (!open) return fail('expected a start tag');
    at += open[0].length;
    const attrs = new Map<string, string>();
    for (const m of open[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"<]*)"/g)) {
      if (attrs.has(m[1]!)) fail(`attribute ${m[1]} twice`);
      attrs.set(m[1]!, decode(m[2]!, at));
    }
    const children: XmlElement[] = [];
    let content = '';
    if (open[3] === '/') return { name: open[1]!, attrs, children, text: '' };
    for (;;) {
      const next = text.indexOf('<', at);
      if (next < 0) fail(`unclosed <${open[1]}>`);
      content += decode(text.slice(at, next), at);
      at = next;
      if (text.startsWith(`</${open[1]}>`, at)) {
        at += open[1]!.length + 3;
        return { name: open[1]!, attrs, children, text: content };
      }
      if (text.startsWith('</', at)) fail(`mismatched end tag for <${open[1]}>`);
      children.push(element());
    }
  }

  const root = element();
  if (text.slice(at).trim() !== '') fail('content after the root element');
  return root;
}

const isToken = (v: string): boolean => v.length > 0 && !/[\t\n\r]|^ | $| {2}/.test(v);
const isInt = (v: string): boolean => /^[+-]?\d+$/.test(v);
const isDecimal = (v: string): boolean => /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v);
/** xs:dateTime restricted to no time zone, as the schema's ISO8601 type. */
const isAntTimestamp = (v: string): boolean => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(v);

type Rule = (v: string) => boolean;

/** Every rule of the schema that `root` breaks; empty when valid. */
export function junitSchemaProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  const attrs = (e: XmlElement, where: string, required: Record<string, Rule>, optional: Record<string, Rule> = {}) => {
    for (const [name, ok] of Object.entries(required)) {
      const v = e.attrs.get(name);
      if (v === undefined) problems.push(`${where}: missing required attribute ${name}`);
      else if (!ok(v)) problems.push(`${where}: attribute ${name}="${v}" has the wrong type`);
    }
    for (const [name, v] of e.attrs) {
      if (name in required) continue;
      if (!(name in optional)) problems.push(`${where}: attribute ${name} is not allowed`);
      else if (!optional[name]!(v)) problems.push(`${where}: attribute ${name}="${v}" has the wrong type`);
    }
  };
  const noText = (e: XmlElement, where: string) => {
    if (e.text.trim() !== '') problems.push(`${where}: text is not allowed here`);
  };
  const leaf = (e: XmlElement, where: string) => {
    if (e.children.length > 0) problems.push(`${where}: child elements are not allowed`);
  };

  const testsuite = (s: XmlElement, where: string, inWrapper: boolean) => {
    attrs(
      s,
      where,
      {
        name: isToken,
        timestamp: isAntTimestamp,
        hostname: isToken,
        tests: isInt,
        failures: isInt,
        errors: isInt,
        time: isDecimal,
        ...(inWrapper ? { package: isToken, id: isInt } : {}),
      },
    );
    noText(s, where);
    const names = s.children.map((c) => c.name);
    // Sequence: properties, testcase*, system-out, system-err.
    const shape = names.join(' ');
    if (!/^properties( testcase)* system-out system-err$/.test(shape)) problems.push(`${where}: children must be properties, testcase*, system-out, system-err; got ${shape || '(none)'}`);
    for (const [i, c] of s.children.entries()) {
      const at = `${where}/${c.name}[${i}]`;
      if (c.name === 'properties') {
        attrs(c, at, {});
        noText(c, at);
        for (const p of c.children) {
          if (p.name !== 'property') problems.push(`${at}: only property elements are allowed, got ${p.name}`);
          attrs(p, `${at}/property`, { name: isToken, value: () => true });
          leaf(p, `${at}/property`);
          noText(p, `${at}/property`);
        }
      } else if (c.name === 'testcase') {
        attrs(c, at, { name: isToken, classname: isToken, time: isDecimal });
        noText(c, at);
        if (c.children.length > 1) problems.push(`${at}: at most one error or failure`);
        for (const f of c.children) {
          if (f.name !== 'failure' && f.name !== 'error') problems.push(`${at}: ${f.name} is not allowed in a testcase`);
          attrs(f, `${at}/${f.name}`, { type: () => true }, { message: () => true });
          leaf(f, `${at}/${f.name}`);
        }
      } else if (c.name === 'system-out' || c.name === 'system-err') {
        attrs(c, at, {});
        leaf(c, at);
      }
    }
    const cases = s.children.filter((c) => c.name === 'testcase');
    if (s.attrs.get('tests') !== String(cases.length)) problems.push(`${where}: tests="${s.attrs.get('tests')}" but ${cases.length} testcase(s)`);
    const failed = cases.filter((c) => c.children.some((f) => f.name === 'failure')).length;
    if (s.attrs.get('failures') !== String(failed)) problems.push(`${where}: failures="${s.attrs.get('failures')}" but ${failed} failing testcase(s)`);
  };

  if (root.name === 'testsuites') {
    attrs(root, 'testsuites', {});
    noText(root, 'testsuites');
    root.children.forEach((s, i) => {
      if (s.name !== 'testsuite') problems.push(`testsuites: only testsuite elements are allowed, got ${s.name}`);
      else testsuite(s, `testsuites/testsuite[${i}]`, true);
    });
  } else if (root.name === 'testsuite') {
    testsuite(root, 'testsuite', false);
  } else {
    problems.push(`root element must be testsuites or testsuite, got ${root.name}`);
  }
  return problems;
}
