// pprof profiles (heap and CPU) as istiod's /debug/pprof and `pprof -proto`
// write them: gzip-compressed protobuf. Decompression uses the platform's
// DecompressionStream (browsers, workers and Node 20 all have it); decoding
// uses the pprof-format library. Nothing here throws: bad input gives an error string.
import { Profile } from 'pprof-format';

export interface Frame {
  name: string;
  file: string;
  line: number;
}

export interface DecodedProfile {
  sampleTypes: Array<{ type: string; unit: string }>;
  /** Index of the value shown by default (pprof's default_sample_type, else the last one). */
  defaultIndex: number;
  /** Stacks from the root (outermost caller) to the leaf. */
  samples: Array<{ stack: Frame[]; values: number[] }>;
  periodType: { type: string; unit: string } | null;
  period: number;
  durationNanos: number;
  /** Samples that pointed at missing locations or functions. */
  problems: string[];
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** gperftools (Envoy's /heapprofiler and /cpuprofiler) write their own formats, not pprof protobuf. */
export function gperftoolsKind(bytes: Uint8Array): 'heap' | 'cpu' | null {
  const head = new TextDecoder().decode(bytes.subarray(0, 32));
  if (head.startsWith('heap profile:') || head.startsWith('--- heapz')) return 'heap';
  // Legacy CPU profile header: words 0, 3, 0 (32- or 64-bit, little-endian).
  const word = (i: number, size: number) => {
    let v = 0;
    for (let k = size - 1; k >= 0; k--) v = v * 256 + (bytes[i * size + k] ?? 0);
    return v;
  };
  for (const size of [8, 4]) if (bytes.length >= size * 5 && word(0, size) === 0 && word(1, size) === 3 && word(2, size) === 0) return 'cpu';
  return null;
}

const num = (v: number | bigint): number => Number(v);

export async function decodeProfile(bytes: Uint8Array): Promise<DecodedProfile | { error: string }> {
  if (bytes.length === 0) return { error: 'empty file' };
  const legacy = gperftoolsKind(bytes);
  if (legacy) {
    return {
      error: `a gperftools ${legacy} profile (what Envoy's /${legacy === 'heap' ? 'heapprofiler' : 'cpuprofiler'} writes), not pprof protobuf: convert it next to the Envoy binary with "pprof -proto <path/to/envoy> <profile> > profile.pb.gz" and analyze that`,
    };
  }
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = await gunzip(bytes);
    } catch (err) {
      return { error: `truncated or corrupt gzip data (${(err as Error).message || 'decompression failed'}); fetch the profile again` };
    }
  }
  let p: Profile;
  try {
    p = Profile.decode(raw);
  } catch (err) {
    return { error: `not a pprof profile: the protobuf does not decode (${(err as Error).message})${isGzip(bytes) ? '' : '; pprof files are usually gzip-compressed'}` };
  }
  const str = (i: number | bigint) => p.stringTable.strings[num(i)] ?? '';
  if (p.sampleType.length === 0) return { error: 'decodes as protobuf but holds no sample types: not a pprof profile' };
  const sampleTypes = p.sampleType.map((t) => ({ type: str(t.type), unit: str(t.unit) }));
  const problems: string[] = [];
  const functions = new Map(p.function.map((f) => [num(f.id), f]));
  const locations = new Map<number, Frame[]>();
  for (const loc of p.location) {
    // Several lines = inlined calls; the last line is the caller the others were inlined into.
    const frames: Frame[] = [];
    for (const line of [...loc.line].reverse()) {
      const f = functions.get(num(line.functionId));
      if (!f) {
        problems.push(`location ${num(loc.id)} names missing function ${num(line.functionId)}`);
        continue;
      }
      frames.push({ name: str(f.name) || `func#${num(f.id)}`, file: str(f.filename), line: num(line.line) });
    }
    if (frames.length === 0) frames.push({ name: `0x${num(loc.address).toString(16)}`, file: '', line: 0 });
    locations.set(num(loc.id), frames);
  }
  const samples: DecodedProfile['samples'] = [];
  let missing = 0;
  for (const s of p.sample) {
    const stack: Frame[] = [];
    // location_id[0] is the leaf; walk from the root.
    for (const id of [...s.locationId].reverse()) {
      const frames = locations.get(num(id));
      if (!frames) {
        missing++;
        continue;
      }
      stack.push(...frames);
    }
    const values = s.value.map(num);
    if (values.length !== sampleTypes.length) {
      problems.push(`a sample has ${values.length} values for ${sampleTypes.length} sample types`);
      continue;
    }
    samples.push({ stack, values });
  }
  if (missing) problems.push(`${missing} stack frame(s) point at missing locations`);
  const defaultName = str(p.defaultSampleType);
  const byName = defaultName ? sampleTypes.findIndex((t) => t.type === defaultName) : -1;
  return {
    sampleTypes,
    defaultIndex: byName >= 0 ? byName : sampleTypes.length - 1,
    samples,
    periodType: p.periodType ? { type: str(p.periodType.type), unit: str(p.periodType.unit) } : null,
    period: num(p.period),
    durationNanos: num(p.durationNanos),
    problems,
  };
}
