/** The benchmark's two outputs: a human table (default) and one JSON object per line (`--json`). */
import { PEERS } from './args.js';
import type { BenchResult, Machine, Row } from './suite.js';

export function machineLine(m: Machine): string {
  const parts = [`${m.cpu}, ${m.cores} cores, Node ${m.node}`];
  if (m.numpy) {
    const blas = [
      m.numpy.blas,
      m.numpy.blasCore && `${m.numpy.blasCore} kernel`,
      m.numpy.blasThreads && `${m.numpy.blasThreads} threads`,
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(`numpy ${m.numpy.numpy} (${blas})`);
  }
  if (m.tfjsWasm) parts.push(`tfjs-wasm: ${m.tfjsWasm}`);
  return parts.join('; ');
}

/** `--json`: the machine, then every row, then every skipped backend, one object per line. */
export function jsonLines(result: BenchResult): string[] {
  return [
    JSON.stringify({ machine: result.machine }),
    ...result.rows.map((r) => JSON.stringify(r)),
    ...result.skipped.map((s) => JSON.stringify({ backend: s.backend, skipped: s.reason })),
  ];
}

function ms(x: number | undefined): string {
  if (x === undefined) return '';
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

function bytes(n: number): string {
  const sign = n < 0 ? '−' : '+';
  const a = Math.abs(n);
  if (a >= 1 << 20) return `${sign}${(a / (1 << 20)).toFixed(1)} MiB`;
  if (a >= 1 << 10) return `${sign}${(a / (1 << 10)).toFixed(1)} KiB`;
  return `${sign}${a} B`;
}

/** Steady state over `heapCalls` calls: what they kept, and what they allocated. */
function heapCell(r: Row): string {
  if (r.heapGrowthBytes === undefined) return '';
  const kept = `kept ${bytes(r.heapGrowthBytes)} heap ${bytes(r.arrayBuffersGrowthBytes ?? 0)} buffers`;
  const allocated =
    r.allocatedBytesPerCall === undefined
      ? `${r.gcDuringCalls} GCs during the calls`
      : `0 GCs, ${bytes(Math.round(r.allocatedBytesPerCall)).slice(1)}/call`;
  return `${kept}; ${allocated} (${r.heapCalls} calls)`;
}

function label(r: Row): string {
  return r.variant ? `${r.backend} [${r.variant}]` : r.backend;
}

export function table(result: BenchResult): string[] {
  const lines = [
    `contraspike bench — ${machineLine(result.machine)}`,
    `ms: median after warm-up (p10–p90 over the runs); max |Δ| vs js: largest difference from backend-js's result, checked within tolerance before timing; vs peer: time ÷ the fastest of ${PEERS.join(', ')} at the same op and shape; vs copy: time ÷ one plain copy of W timed alternately with it; heap: over N calls, the growth kept after a full GC, and the GCs the calls caused (or, with none, their allocation per call)`,
  ];
  for (const s of result.skipped) lines.push(`skipped ${s.backend}: ${s.reason}`);
  const header = [
    'op',
    'shape',
    'backend',
    'ms',
    'p10–p90',
    'runs',
    'max |Δ| vs js',
    'vs peer',
    'vs copy',
    'steady state (heap)',
  ];
  const body = result.rows.map((r) => {
    if (r.unavailable) return [r.op, r.shape.join('×'), label(r), 'n/a', '', '', '', '', '', r.unavailable];
    return [
      r.op,
      r.shape.join('×'),
      label(r),
      ms(r.ms),
      `${ms(r.p10)}–${ms(r.p90)}`,
      String(r.runs ?? ''),
      r.maxAbsDiff === undefined ? '' : r.maxAbsDiff === 0 ? '0' : r.maxAbsDiff.toExponential(1),
      r.ratioToFastestPeer === undefined
        ? '—'
        : r.backend === r.fastestPeer
          ? 'fastest peer'
          : `×${r.ratioToFastestPeer.toFixed(2)} ${r.fastestPeer}`,
      r.ratioToCopy === undefined ? '' : `×${r.ratioToCopy.toFixed(2)}`,
      heapCell(r),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const right = new Set([3, 4, 5, 6]);
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  lines.push(fmt(header));
  let previous = '';
  for (const [i, b] of body.entries()) {
    const r = result.rows[i] as Row;
    const group = `${r.op}|${r.shape.join('x')}`;
    if (previous && group !== previous) lines.push('');
    previous = group;
    lines.push(fmt(b));
  }
  return lines;
}
