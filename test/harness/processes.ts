// Child-process helpers shared by the launchers: free ports, process groups that always die, readiness polls.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/** Root of the extension repository (this file runs from out/test/harness/). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Folder holding screenshots, logs and other outputs of a test run. */
export const artifactsDir = join(repoRoot, '.artifacts');

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A child process that leads its own process group, so that its grandchildren die with it. */
export interface GroupProcess {
  /** The group leader. */
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for error messages. */
  output(): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
// A signal would end this process without 'exit' handlers; exit properly so that the groups above die too.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Spawns `command` as the leader of a new process group (setsid); the group is killed when this process exits. */
export function spawnGroup(
  command: string,
  args: string[],
  options: SpawnOptions & { echo?: (line: string) => void } = {},
): GroupProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  liveGroups.add(pid);
  const chunks: string[] = [];
  let size = 0;
  const collect = (data: Buffer) => {
    const text = data.toString();
    chunks.push(text);
    size += text.length;
    while (size > 200_000 && chunks.length > 1) size -= chunks.shift()!.length;
    if (options.echo) for (const line of text.split('\n')) if (line.trim()) options.echo(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done();
    else child.once('exit', () => done());
  });
  return {
    child,
    output: () => chunks.join(''),
    async stop(graceMs = 3000) {
      if (!liveGroups.has(pid)) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader may be gone while children of the group linger.
      killGroup(pid, 'SIGKILL');
      liveGroups.delete(pid);
    },
  };
}

/** Polls `url` until it answers with a status below 500, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, child?: GroupProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.child.exitCode !== null || child.child.signalCode !== null)) {
      throw new Error(`process exited before ${url} answered:\n${child.output().slice(-4000)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${child?.output().slice(-4000) ?? ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
