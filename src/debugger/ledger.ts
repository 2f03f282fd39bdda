// The ledger service of the remote-debugging lab (labs/remote-debugging-go/
// files/main.go) as a model: what handleEntry does with one request, step by
// step. The tier table is the data the pod loaded from its ConfigMap: its keys
// are upper case, the clients send lower-case ids, and the lookup finds nothing.
import { functionsOf, lineOf, type Frame, type GoProgram, type HttpRequestIn, type HttpResponseOut, type RequestRun, type Step } from './program.ts';
import { goInt, goString, type GoValue } from './values.ts';

export const LEDGER_FILE = '/src/cmd/ledger/main.go';

/** The tiers.json the debug pod read at start-up (exported by another team, ids in upper case). */
export const LEDGER_TIERS: [string, string][] = [
  ['ACCT-1002', 'standard'],
  ['ACCT-1187', 'gold'],
  ['ACCT-2203', 'standard'],
  ['ACCT-2951', 'silver'],
  ['ACCT-3310', 'gold'],
  ['ACCT-4410', 'silver'],
  ['ACCT-5072', 'standard'],
  ['ACCT-6618', 'gold'],
  ['ACCT-7781', 'gold'],
  ['ACCT-8840', 'silver'],
];

const GO_SRC = '/usr/local/go/src';

const entryValue = (account: string, amount: number): GoValue => ({
  kind: 'struct',
  type: 'main.Entry',
  fields: [['Account', goString(account)], ['AmountCents', goInt(amount)]],
});

/** Header names as Go's server stores them (textproto.CanonicalMIMEHeaderKey). */
const canonical = (name: string) => name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

let address = 0xc000120000;
const nextAddress = () => '0x' + (address += 0x1a40).toString(16);

function requestValue(req: HttpRequestIn): GoValue {
  const [path, query = ''] = req.target.split(/\?(.*)/s, 2) as [string, string?];
  const header: GoValue = {
    kind: 'map',
    type: 'net/http.Header',
    entries: req.headers
      .filter(([k]) => k.toLowerCase() !== 'host')
      .map(([k, v]) => [goString(canonical(k)), { kind: 'slice', type: '[]string', items: [goString(v)] }]),
  };
  const url: GoValue = {
    kind: 'struct',
    type: 'net/url.URL',
    fields: [
      ['Scheme', goString('')], ['Opaque', goString('')], ['User', { kind: 'pointer', type: '*net/url.Userinfo', address: '0x0', to: null }],
      ['Host', goString('')], ['Path', goString(path)], ['RawPath', goString('')], ['OmitHost', { kind: 'bool', value: false }],
      ['ForceQuery', { kind: 'bool', value: false }], ['RawQuery', goString(query)], ['Fragment', goString('')], ['RawFragment', goString('')],
    ],
  };
  const body: GoValue = req.body === '' ? { kind: 'interface', type: 'io.ReadCloser', concrete: 'net/http.noBody', address: '0x0' } : { kind: 'interface', type: 'io.ReadCloser', concrete: '*net/http.body', address: nextAddress() };
  const request: GoValue = {
    kind: 'struct',
    type: 'net/http.Request',
    fields: [
      ['Method', goString(req.method)],
      ['URL', { kind: 'pointer', type: '*net/url.URL', address: nextAddress(), to: url }],
      ['Proto', goString('HTTP/1.1')], ['ProtoMajor', goInt(1, 'int')], ['ProtoMinor', goInt(1, 'int')],
      ['Header', header],
      ['Body', body],
      ['ContentLength', goInt(new TextEncoder().encode(req.body).length)],
      ['Host', goString(req.host)],
      ['RemoteAddr', goString(req.remoteAddr)],
      ['RequestURI', goString(req.target)],
    ],
  };
  return { kind: 'pointer', type: '*net/http.Request', address: nextAddress(), to: request };
}

/** What encoding/json's Decode does with the body into an Entry: the entry, or the error text Go gives. */
function decodeEntry(body: string): { ok: true; account: string; amount: number } | { ok: false; error: string } {
  const text = body.trim();
  if (text === '') return { ok: false, error: 'EOF' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const c = text[0]!;
    return { ok: false, error: /[[{"\d\-tfn]/.test(c) ? 'unexpected EOF' : `invalid character '${c}' looking for beginning of value` };
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    const kind = Array.isArray(data) ? 'array' : typeof data === 'string' ? 'string' : typeof data === 'boolean' ? 'bool' : 'number';
    return { ok: false, error: `json: cannot unmarshal ${kind} into Go value of type main.Entry` };
  }
  // Go matches JSON keys to struct tags without regard to case.
  const field = (tag: string) => Object.entries(data as Record<string, unknown>).find(([k]) => k.toLowerCase() === tag.toLowerCase())?.[1];
  const account = field('account');
  const amount = field('amountCents');
  const jsonKind = (v: unknown) => (typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? (Array.isArray(v) ? 'array' : 'object') : typeof v);
  if (account !== undefined && account !== null && typeof account !== 'string') return { ok: false, error: `json: cannot unmarshal ${jsonKind(account)} into Go struct field Entry.account of type string` };
  if (amount !== undefined && amount !== null && (typeof amount !== 'number' || !Number.isInteger(amount))) {
    return { ok: false, error: `json: cannot unmarshal ${typeof amount === 'number' ? 'number ' + String(amount) : jsonKind(amount)} into Go struct field Entry.amountCents of type int64` };
  }
  return { ok: true, account: (account as string | undefined) ?? '', amount: (amount as number | undefined) ?? 0 };
}

function fee(tier: string, amount: number): number {
  const divisor: Record<string, number> = { gold: 200, silver: 100, standard: 50 };
  return divisor[tier] ? Math.trunc(amount / divisor[tier]!) : 0;
}

export function ledgerProgram(source: string): GoProgram {
  const functions = functionsOf(source, LEDGER_FILE);
  const L = (marker: string, from?: number) => lineOf(source, marker, from);
  const handler = L('func handleEntry(');
  const feeFor = L('func feeFor(');
  const tiersValue: GoValue = { kind: 'map', type: 'map[string]string', entries: LEDGER_TIERS.map(([k, v]) => [goString(k), goString(v)]) };
  const callers: Frame[] = [
    { fn: 'net/http.HandlerFunc.ServeHTTP', file: `${GO_SRC}/net/http/server.go`, line: 2220, args: [], locals: [] },
    { fn: 'net/http.(*ServeMux).ServeHTTP', file: `${GO_SRC}/net/http/server.go`, line: 2747, args: [], locals: [] },
    { fn: 'net/http.serverHandler.ServeHTTP', file: `${GO_SRC}/net/http/server.go`, line: 3210, args: [], locals: [] },
    { fn: 'net/http.(*conn).serve', file: `${GO_SRC}/net/http/server.go`, line: 2092, args: [], locals: [] },
    { fn: 'runtime.goexit', file: `${GO_SRC}/runtime/asm_amd64.s`, line: 1700, args: [], locals: [] },
  ];

  function handle(req: HttpRequestIn): RequestRun {
    const path = req.target.split('?')[0];
    if (path !== '/entries') {
      return { steps: [], response: { status: 404, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], body: '404 page not found\n' } };
    }
    const args: [string, GoValue][] = [
      ['w', { kind: 'interface', type: 'net/http.ResponseWriter', concrete: '*net/http.response', address: nextAddress() }],
      ['r', requestValue(req)],
    ];
    const steps: Step[] = [];
    const at = (line: number, locals: [string, GoValue][], extra: Partial<Step> = {}) =>
      steps.push({ frames: [{ fn: 'main.handleEntry', file: LEDGER_FILE, line, args, locals }], ...extra });
    const empty = entryValue('', 0);
    const nilError: GoValue = { kind: 'interface', type: 'error', concrete: '', address: null };
    at(handler, []);
    at(L('var e Entry', handler), [['e', empty]]);
    const decodeLine = L('Decode(&e)', handler);
    at(decodeLine, [['e', empty], ['err', nilError]]);
    const decoded = decodeEntry(req.body);
    let response: HttpResponseOut;
    if (!decoded.ok) {
      const err: GoValue = { kind: 'interface', type: 'error', concrete: decoded.error === 'EOF' ? '*errors.errorString' : '*encoding/json.SyntaxError', address: nextAddress() };
      at(L('http.Error(', handler), [['e', empty], ['err', err]]);
      at(L('return', decodeLine), [['e', empty]]);
      response = { status: 400, headers: [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], body: decoded.error + '\n' };
    } else {
      const e = entryValue(decoded.account, decoded.amount);
      const tier = new Map(LEDGER_TIERS).get(decoded.account) ?? '';
      const feeCents = fee(tier, decoded.amount);
      const feeLine = L('fee := feeFor(', handler);
      at(L('tier := tiers[', handler), [['e', e], ['tier', goString('')]]);
      const beforeCall: [string, GoValue][] = [['e', e], ['tier', goString(tier)], ['fee', goInt(0)]];
      at(feeLine, beforeCall);
      // Inside feeFor: the switch tries each case until one matches.
      const inFee = (line: number) =>
        steps.push({ frames: [{ fn: 'main.feeFor', file: LEDGER_FILE, line, args: [['tier', goString(tier)], ['amountCents', goInt(decoded.amount)], ['~r0', goInt(0)]], locals: [] }, { fn: 'main.handleEntry', file: LEDGER_FILE, line: feeLine, args, locals: beforeCall }] });
      inFee(feeFor);
      inFee(L('switch tier', feeFor));
      let matched = false;
      for (const name of ['gold', 'silver', 'standard']) {
        const caseLine = L(`case "${name}":`, feeFor);
        inFee(caseLine);
        if (name === tier) {
          inFee(caseLine + 1);
          matched = true;
          break;
        }
      }
      if (!matched) inFee(L('return 0', feeFor));
      at(feeLine, beforeCall, { returned: [['~r0', goInt(feeCents)]] });
      const after: [string, GoValue][] = [['e', e], ['tier', goString(tier)], ['fee', goInt(feeCents)]];
      at(L('log.Printf(', handler), after);
      at(L('w.Header().Set(', handler), after);
      at(L('json.NewEncoder(w).Encode(', handler), after);
      const body = JSON.stringify({ account: decoded.account, amountCents: decoded.amount, tier, feeCents }) + '\n';
      response = { status: 200, headers: [['Content-Type', 'application/json']], body };
    }
    const end = functions.find((f) => f.name === 'main.handleEntry')?.end ?? handler;
    at(end, steps[steps.length - 1]!.frames[0]!.locals.filter(([n]) => n !== 'err'));
    // Back in net/http after the handler returned; the response goes out when the goroutine moves on.
    steps.push({ frames: [callers[0]!] });
    return { steps, response };
  }

  return { file: LEDGER_FILE, source, functions, port: 8080, callers, handle, globals: [['main.tiers', tiersValue]] };
}
