import { readdirSync, readFileSync } from 'node:fs';

const clockTicksPerSecond = 100; // USER_HZ on Linux

/**
 * CPU seconds used so far by a process and its live descendants, including reaped children
 * (Chromium's zygote reaps the renderers of closed contexts, so their time lands in its cutime).
 * Linux only; returns NaN elsewhere.
 */
export function processTreeCpuSeconds(rootPid: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return Number.NaN;
  }
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of entries) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start at state (field 3).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks });
    } catch {
      // the process exited while we were reading
    }
  }
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
