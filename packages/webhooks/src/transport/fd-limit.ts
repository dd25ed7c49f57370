/**
 * How many more sockets this process can open: its soft limit on open file
 * descriptors (RLIMIT_NOFILE) minus those already open and a reserve for
 * files, pipes and the host application's own sockets. Node has no API for
 * the limit, so it is read from /proc/self/limits on Linux and from the
 * shell's `ulimit -n` elsewhere on POSIX; where neither works (Windows) there
 * is no cap.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Descriptors left for everything but the dispatcher's sockets. */
export const FD_RESERVE = 64;

function linuxLimit(): { soft: number; open: number } | undefined {
  try {
    const limits = readFileSync("/proc/self/limits", "utf8");
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(limits)?.[1];
    if (soft === undefined) return undefined;
    const open = readdirSync("/proc/self/fd").length;
    return { soft: soft === "unlimited" ? Number.POSITIVE_INFINITY : Number(soft), open };
  } catch {
    return undefined;
  }
}

function shellLimit(): { soft: number; open: number } | undefined {
  if (process.platform === "win32") return undefined;
  try {
    // A child inherits the limit; the one shell call is made once per agent.
    const result = spawnSync("/bin/sh", ["-c", "ulimit -n"], { encoding: "utf8", timeout: 2000 });
    const text = result.stdout?.trim() ?? "";
    if (text === "unlimited") return { soft: Number.POSITIVE_INFINITY, open: 0 };
    return /^\d+$/.test(text) ? { soft: Number(text), open: 0 } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The most sockets the descriptor limit leaves room for, or `undefined` when
 * the limit cannot be read or is unlimited.
 *
 * @example
 * ```ts
 * socketRoom(); // e.g. 1024 - 20 open - 64 reserved = 940 under `ulimit -n 1024`
 * ```
 */
export function socketRoom(): number | undefined {
  const limit = (process.platform === "linux" ? linuxLimit() : undefined) ?? shellLimit();
  if (limit === undefined || !Number.isFinite(limit.soft)) return undefined;
  return Math.max(1, limit.soft - limit.open - FD_RESERVE);
}
