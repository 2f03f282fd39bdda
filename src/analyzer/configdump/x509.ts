// Just enough DER to read what `istioctl proxy-config secret` shows of a
// certificate: serial number, validity and whether it is a CA. Browser-safe
// (atob, no Buffer). Returns null on anything it cannot read.

export interface CertInfo {
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
}

interface Tlv {
  tag: number;
  start: number; // first content byte
  end: number; // one past the last content byte
}

function readTlv(b: Uint8Array, pos: number): Tlv | null {
  if (pos + 2 > b.length) return null;
  const tag = b[pos] as number;
  let len = b[pos + 1] as number;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[start + i] as number);
    start += n;
  }
  if (start + len > b.length) return null;
  return { tag, start, end: start + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.start; p < t.end; ) {
    const c = readTlv(b, p);
    if (!c) break;
    out.push(c);
    p = c.end;
  }
  return out;
}

function parseTime(b: Uint8Array, t: Tlv): Date | null {
  const s = String.fromCharCode(...b.subarray(t.start, t.end));
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

const BASIC_CONSTRAINTS = [0x55, 0x1d, 0x13];

export function parseCertDer(b: Uint8Array): CertInfo | null {
  const cert = readTlv(b, 0);
  if (!cert || cert.tag !== 0x30) return null;
  const tbs = children(b, cert)[0];
  if (!tbs) return null;
  const f = children(b, tbs);
  let i = 0;
  if (f[0] && f[0].tag === 0xa0) i++; // explicit version
  const serial = f[i];
  const validity = f[i + 3]; // serial, signature algorithm, issuer, validity
  if (!serial || !validity) return null;
  // big.Int %x: no leading zeros, lowercase
  let hex = '';
  for (let p = serial.start; p < serial.end; p++) hex += (b[p] as number).toString(16).padStart(2, '0');
  hex = hex.replace(/^0+(?=.)/, '');
  const [nb, na] = children(b, validity);
  const notBefore = nb ? parseTime(b, nb) : null;
  const notAfter = na ? parseTime(b, na) : null;
  if (!notBefore || !notAfter) return null;
  let isCA = false;
  const ext = f.find((t) => t.tag === 0xa3);
  if (ext) {
    const list = children(b, ext)[0];
    for (const e of list ? children(b, list) : []) {
      const parts = children(b, e);
      const oid = parts[0];
      if (!oid || oid.end - oid.start !== 3 || !BASIC_CONSTRAINTS.every((v, k) => b[oid.start + k] === v)) continue;
      const octets = parts[parts.length - 1];
      const bc = octets ? readTlv(b, octets.start) : null;
      const first = bc ? children(b, bc)[0] : undefined;
      isCA = !!first && first.tag === 0x01 && b[first.start] !== 0;
    }
  }
  return { serialHex: hex, notBefore, notAfter, isCA };
}

function base64Bytes(s: string): Uint8Array | null {
  try {
    const bin = atob(s.replace(/\s+/g, ''));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

/** First certificate of a PEM bundle (given as text), or null. */
export function firstPemCert(pem: string): CertInfo | null {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) return null;
  const der = base64Bytes(m[1] as string);
  return der ? parseCertDer(der) : null;
}

/** Envoy DataSource `inline_bytes` (base64 of the PEM) or `inline_string`. */
export function dataSourceText(ds: unknown): string {
  if (typeof ds !== 'object' || ds === null) return '';
  const o = ds as Record<string, unknown>;
  const s = o.inline_string ?? o.inlineString;
  if (typeof s === 'string') return s;
  const bytes = o.inline_bytes ?? o.inlineBytes;
  if (typeof bytes === 'string') {
    const b = base64Bytes(bytes);
    return b ? new TextDecoder().decode(b) : '';
  }
  return '';
}

/** Go's time.Format(time.RFC3339) for a UTC time. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
