// CPU time and RSS of a process: /proc on Linux, ps(1) elsewhere (macOS).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessStats {
  cpuMs: number;
  rssMiB: number;
}

const CLOCK_TICKS_PER_S = 100;

export function processStats(pid: number): ProcessStats {
  if (process.platform === 'linux') {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S, rssMiB: rssKiB / 1024 };
  }

  const [rss, time] = execFileSync('ps', ['-o', 'rss=,time=', '-p', String(pid)], {
    encoding: 'utf8',
  })
    .trim()
    .split(/\s+/);
  return { cpuMs: psTimeToMs(time ?? '0:0'), rssMiB: Number(rss) / 1024 };
}

// ps prints [[dd-]hh:]mm:ss[.cc]
function psTimeToMs(text: string): number {
  const [days, rest] = text.includes('-') ? text.split('-') : ['0', text];
  const parts = (rest ?? '').split(':').map(Number);
  while (parts.length < 3) parts.unshift(0);
  const [h, m, s] = parts as [number, number, number];
  return (((Number(days) * 24 + h) * 60 + m) * 60 + s) * 1000;
}
