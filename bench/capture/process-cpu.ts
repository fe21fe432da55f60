import { readdirSync, readFileSync } from 'node:fs';

const clockTicksPerSecond = 100; // USER_HZ on Linux

/**
 * CPU seconds used so far by a process and its live descendants, including reaped children
 * (Chromium's zygote reaps the renderers of closed contexts, so their time lands in its cutime).
 * Linux only; returns NaN elsewhere.
 */
export function processTreeCpuSeconds(rootPid: number): number {
  const stats = processStats();
  if (!stats) return Number.NaN;
  let total = 0;
  const pending = [rootPid];
  const seen = new Set<number>();
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    total += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.ppid === pid) pending.push(child);
  }
  return total / clockTicksPerSecond;
}

/**
 * CPU seconds used so far by every live process whose command name is one of `names` (e.g. the
 * machine's Postgres and Redis servers, with whatever else uses them), own time only.
 */
export function processesCpuSeconds(names: readonly string[]): number {
  const stats = processStats();
  if (!stats) return Number.NaN;
  let ticks = 0;
  for (const stat of stats.values()) if (names.includes(stat.name)) ticks += stat.ownTicks;
  return ticks / clockTicksPerSecond;
}

interface ProcessStat {
  name: string;
  ppid: number;
  /** user + system time of the process itself */
  ownTicks: number;
  /** ownTicks plus its reaped children's */
  ticks: number;
}

function processStats(): Map<number, ProcessStat> | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = new Map<number, ProcessStat>();
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the command name (which may contain spaces) start at state (field 3).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ownTicks = Number(fields[11]) + Number(fields[12]);
      const ticks = ownTicks + Number(fields[13]) + Number(fields[14]);
      stats.set(Number(entry), { name, ppid: Number(fields[1]), ownTicks, ticks });
    } catch {
      // the process exited while we were reading
    }
  }
  return stats;
}
