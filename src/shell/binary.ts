// Binary files (heap profiles) in the text-only virtual file system: each byte
// is kept as one character (U+0000–U+00FF, "latin1"), so `curl` can pass a
// /heap_dump through and `pprof` gets the exact bytes back. Text files are
// UTF-8 and never start with the gzip magic bytes, which tells the two apart.

/** Bytes as a binary string (one character per byte). */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

/** gzip data (pprof profiles are gzip-compressed protobuf) kept as a binary string. */
export function isBinaryString(s: string): boolean {
  return s.charCodeAt(0) === 0x1f && s.charCodeAt(1) === 0x8b;
}

/** The bytes of a file's content: a binary string byte for byte, text as UTF-8. */
export function contentBytes(s: string): Uint8Array {
  if (!isBinaryString(s)) return new TextEncoder().encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}
