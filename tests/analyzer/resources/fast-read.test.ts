// The fast reader (js-yaml + its parse listener) must give exactly what the
// `yaml` reader gives — values, documents, problems and every field position —
// or step aside (readFast returns null) so that `yaml` reads the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFast } from '../../../src/analyzer/resources/fast-read.ts';
import { readManifests, readWithYaml, type FieldPath, type ReadResult } from '../../../src/analyzer/resources/read.ts';

/** Every path to a value inside `v`, plus one missing child per mapping (locate falls back to its parent). */
function pathsOf(v: unknown, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [prefix];
  if (Array.isArray(v)) {
    v.forEach((item, i) => out.push(...pathsOf(item, [...prefix, i])));
    out.push([...prefix, v.length]);
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, item] of Object.entries(v)) out.push(...pathsOf(item, [...prefix, k]));
    out.push([...prefix, 'no-such-field']);
  }
  return out;
}

function comparable(r: ReadResult) {
  return {
    problems: r.problems,
    objects: r.objects.map((o) => ({ data: o.data, document: o.document, positions: pathsOf(o.data).map((p) => [p.join('.'), o.locate(p)]) })),
  };
}

function expectSameAsYaml(name: string, text: string): void {
  expect(comparable(readManifests(name, text)), name).toEqual(comparable(readWithYaml(name, text)));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else if (/\.(ya?ml|json)$/.test(entry) && statSync(p).size < 2_000_000) out.push(p);
  }
  return out;
}

describe('fast reader', () => {
  it('matches the yaml reader on every YAML/JSON file of the labs and tests', () => {
    const files = [...filesUnder('labs'), ...filesUnder('tests')];
    let fast = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      if (readFast(text)) fast++;
      expectSameAsYaml(f, text);
    }
    // Most files are plain manifests: the fast path must really be taken.
    expect(files.length).toBeGreaterThan(30);
    expect(fast).toBeGreaterThan(files.length * 0.8);
  });

  it('places keys and items of block and flow collections where the text has them', () => {
    const text = [
      'apiVersion: networking.istio.io/v1', // 1
      'kind: VirtualService', // 2
      'metadata: {name: shop, "namespace": web}', // 3
      'spec:', // 4
      '  hosts: [ shop, "cart.web" ]', // 5
      '  http:', // 6
      '  -', // 7
      '    route:', // 8
      '    - destination: {host: shop, port: {number: 80}}', // 9
      '      weight: 90', // 10
      '  - route: []', // 11
      '',
    ].join('\n');
    const r = readFast(text);
    expect(r).not.toBeNull();
    const [obj] = readManifests('vs.yaml', text).objects;
    expect(obj!.locate([])).toEqual({ line: 1, column: 1 });
    expect(obj!.locate(['metadata', 'namespace'])).toEqual({ line: 3, column: 24 });
    expect(obj!.locate(['spec', 'hosts', 1])).toEqual({ line: 5, column: 18 });
    expect(obj!.locate(['spec', 'http', 0])).toEqual({ line: 8, column: 5 });
    expect(obj!.locate(['spec', 'http', 0, 'route', 0, 'destination', 'port', 'number'])).toEqual({ line: 9, column: 40 });
    expect(obj!.locate(['spec', 'http', 0, 'route', 0, 'weight'])).toEqual({ line: 10, column: 7 });
    expect(obj!.locate(['spec', 'http', 1, 'route', 0])).toEqual({ line: 11, column: 5 });
    expectSameAsYaml('vs.yaml', text);
  });

  it('places integer-like keys, which JavaScript objects list first, by their place in the text', () => {
    const text = 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: db}\nspec:\n  portLevelMtls:\n    mysql: {mode: STRICT}\n    9080: {mode: DISABLE}\n    3306:\n      mode: PERMISSIVE\n';
    expect(readFast(text)).not.toBeNull();
    const [pa] = readManifests('pa.yaml', text).objects;
    expect(pa!.locate(['spec', 'portLevelMtls', 'mysql'])).toEqual({ line: 6, column: 5 });
    expect(pa!.locate(['spec', 'portLevelMtls', 9080, 'mode'])).toEqual({ line: 7, column: 12 });
    expect(pa!.locate(['spec', 'portLevelMtls', '3306', 'mode'])).toEqual({ line: 9, column: 7 });
    expectSameAsYaml('pa.yaml', text);
  });

  it('counts columns after a byte order mark and lines with CRLF endings as yaml does', () => {
    const text = '\uFEFFapiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: cart\r\n';
    expect(readFast(text)).not.toBeNull();
    expect(readManifests('crlf.yaml', text).objects[0]!.locate(['metadata', 'name'])).toEqual({ line: 4, column: 3 });
    expectSameAsYaml('crlf.yaml', text);
  });

  it('keeps document numbers and skips empty documents as yaml does', () => {
    const text = '---\n---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n~\n---\n[1, 2]\n---\n';
    expect(readFast(text)).not.toBeNull();
    const r = readManifests('docs.yaml', text);
    expect(r.objects.map((o) => o.document)).toEqual([2]);
    expect(r.problems.map((p) => p.line)).toEqual([9, 11]);
    expectSameAsYaml('docs.yaml', text);
  });

  it('agrees with yaml on quoting, escapes, block scalars, comments and flow collections', () => {
    const forms = [
      "a: 'it''s'", 'a: "tab\\tx\\x41\\u00e9\\U0001F600"', 'a: "line\\\n  continued"', 'a: >\n  folded\n  text\n\n  para\n',
      'a: |+\n  keep\n\n', 'a: |-\n  strip\n', 'a: |2\n    indented\n', 'a: plain\n  multi line\n  scalar', 'a: x # comment',
      'a: "#not comment"', 'a: [1, "2", three, {b: c}]', 'a: {}', 'a: []', 'a: ""', 'a:', 'a: null', 'a: 1.5e3', 'a: 0o17', 'a: 0x1f',
      'a: 017', 'a: .inf', 'a: 2024-01-01T00:00:00Z', 'a: yes', 'a: ~', 'a: !!str 80', 'a: "80"', 'a: 1_000', 'a: x:y', 'a: [a, b, ]',
      'a:\n- b\n-   c\n- - d\n  - e', 'a:\n  - b: 1\n    c: 2\n  - {d: 3}', '"quoted key": 1', 'a: b\n\n\n# trailing comment\n', 'a: \u00e9\u4e2d\u6587',
    ];
    for (const form of forms) {
      const text = `kind: X\n${form}\n`;
      expect(readFast(text), form).not.toBeNull();
      expectSameAsYaml(form, text);
    }
  });

  it('steps aside for what it cannot map exactly, and the yaml reader decides', () => {
    const cases: Record<string, string> = {
      'a YAML error': 'kind: Service\nmetadata:\n  name: [unclosed\n',
      'an anchor and alias': 'kind: A\nbase: &b {x: 1}\nother: *b\n',
      'a tagged key': 'kind: A\n!!str port: 80\n',
      'an unknown tag': 'kind: A\nv: !Ref other\n',
      'a duplicate key': 'kind: A\nname: one\nname: two\n',
      'a flow key without value': 'kind: A\nset: {a, b: c}\n',
      'an empty sequence item': 'kind: A\nlist:\n- \n- b\n',
      'an explicit key': 'kind: A\n? name\n: cart\n',
      'a binary int (js-yaml reads 5, yaml a string)': 'kind: A\nv: 0b101\n',
      'a signed fraction (yaml reads a number, js-yaml a string)': 'kind: A\nv: +.5\n',
      'a lone CR line break': 'kind: A\rname: b\r',
    };
    for (const [what, text] of Object.entries(cases)) {
      expect(readFast(text), what).toBeNull();
      expectSameAsYaml(what, text);
    }
  });

  it('gives the same findings input as yaml on a generated mesh', () => {
    const docs: string[] = [];
    for (let i = 0; i < 40; i++) {
      docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: s${i}, namespace: team-${i % 3}, labels: {app: s${i}}}\nspec:\n  selector: {app: s${i}}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n  - name: grpc\n    port: 9090`);
      docs.push(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: s${i}\n  annotations:\n    note: "a \\"quoted\\" value: with colon"\nspec:\n  host: s${i}\n  subsets:\n  - name: v1\n    labels: {version: v1}\n  - {name: v2, labels: {version: 'v2'}}\n  trafficPolicy:\n    connectionPool: {http: {http1MaxPendingRequests: 1024}}\n    loadBalancer:\n      simple: LEAST_REQUEST\n  description: |\n    multi\n    line: text\n`);
    }
    const text = docs.join('\n---\n') + '\n';
    expect(readFast(text)).not.toBeNull();
    expectSameAsYaml('mesh.yaml', text);
  });
});
