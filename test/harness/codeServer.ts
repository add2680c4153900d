// Starts code-server (VS Code 1.139 in the browser, extension host on Node 24) with every folder it writes isolated
// under a temp folder, and drives it with Debian's Chromium through playwright-core.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort, spawnGroup, waitForHttp, type GroupProcess } from './processes';

const execFileAsync = promisify(execFile);

/** code-server version that scripts/install-code-server.sh installs. */
export const codeServerVersion = process.env.CODE_SERVER_VERSION ?? '4.139.1';

/** Path of code-server's entry script (run with this Node 24), as installed by scripts/install-code-server.sh. */
export function codeServerEntry(): string {
  const cache =
    process.env.XCOM_LENS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'xcom-lens');
  const dir = join(cache, `code-server-${codeServerVersion}`);
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(join(dir, '.complete')) || !existsSync(entry)) {
    throw new Error(`code-server ${codeServerVersion} is not installed in ${dir}: run scripts/install-code-server.sh`);
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24)
    throw new Error(
      `code-server needs Node 24; this is Node ${process.versions.node} (use npm run or node_modules/.bin/node)`,
    );
  return entry;
}

/**
 * Environment of a code-server child: isolated temp, config and data folders; this Node first on PATH; none of the
 * machine's Airflow configuration (AIRFLOW_* variables, ~/airflow), only what `extra` gives.
 */
function isolatedEnv(tempDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const xdg = join(tempDir, 'xdg');
  const tmp = join(tempDir, 'tmp');
  mkdirSync(xdg, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const machine = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AIRFLOW')));
  return {
    ...machine,
    AIRFLOW_HOME: join(tempDir, 'airflow-home'),
    ...extra,
    TMPDIR: tmp,
    XDG_CONFIG_HOME: xdg,
    XDG_DATA_HOME: xdg,
    XDG_CACHE_HOME: join(xdg, 'cache'),
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  };
}

/** Runs code-server's command-line mode (install or list extensions) against `extensionsDir`. */
export async function codeServerCli(tempDir: string, extensionsDir: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [codeServerEntry(), '--config', '/dev/null', '--extensions-dir', extensionsDir, ...args],
    {
      env: isolatedEnv(tempDir),
      timeout: 60_000,
      maxBuffer: 10_000_000,
    },
  );
  return stdout;
}

/** A running code-server. */
export interface CodeServer {
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** Its process group, and what it printed. */
  process: GroupProcess;
  /** Stops the whole process group. */
  stop(): Promise<void>;
}

/** Options of {@link startCodeServer}. */
export interface CodeServerOptions {
  /** Temp folder of this run: code-server's user data, extensions, TMPDIR and XDG folders go under it. */
  tempDir: string;
  /** Extra environment for code-server and so for the extension host (e.g. XCOM_LENS_TEST_SERVICES). */
  env?: NodeJS.ProcessEnv;
  /** Extensions folder; defaults to an empty one under tempDir. */
  extensionsDir?: string;
  /** Prints server output lines that are not known noise. */
  echo?: (line: string) => void;
  /** Workspace trust on, no startup prompt: the workspace opens untrusted (Restricted Mode). */
  untrusted?: boolean;
}

/** The settings that make a folder open untrusted without a prompt. */
const untrustedSettings = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** Workbench settings that keep notifications and network lookups out of the tests. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Starts code-server on a free loopback port with the smoke-test driver enabled; ready when /healthz answers. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = codeServerEntry();
  const userDataDir = join(options.tempDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(options.tempDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settings = options.untrusted ? { ...userSettings, ...untrustedSettings } : userSettings;
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawnGroup(
    process.execPath,
    [
      entry,
      '--config',
      '/dev/null',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.untrusted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      extensionsDir,
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    {
      env: isolatedEnv(options.tempDir, options.env),
      cwd: options.tempDir,
      echo: options.echo
        ? (line) => {
            if (showServerLine(line)) options.echo!(line);
          }
        : undefined,
    },
  );
  try {
    await waitForHttp(`${baseUrl}/healthz`, 30_000, child);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { baseUrl, process: child, stop: () => child.stop() };
}

const noise = [
  /open-vsx\.org/i,
  /^Resolv(ing|ed) connection token/,
  /^Creating a socket/,
  /reconnection-grace-time/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^\[AccountPolicyGate\]/,
  /^Creation of workbench contribution/,
  /authentication provider 'github'/,
  /Unexpected SIGPIPE/,
  /ENOTFOUND/,
  /vsda/,
  /\bchat\b/i,
  /agent ?host/i,
  /telemetry/i,
  /marketplace/i,
  /update\.code\.visualstudio\.com/,
  /^\s*at /,
];

/** code-server's own log: everything with XCOM_LENS_VERBOSE=1, else only what looks like a problem. */
function showServerLine(line: string): boolean {
  if (process.env.XCOM_LENS_VERBOSE) return true;
  return !isNoise(line) && /error|fail|not found|exception/i.test(line);
}

/** True for output lines known to be harmless on an offline machine (marketplace, telemetry, vsda, Chat). */
export function isNoise(line: string): boolean {
  return noise.some((pattern) => pattern.test(line));
}

/** Workbench URL opening `workspace`, with the extension under development and optionally an extension-host test suite. */
export function workbenchUrl(
  baseUrl: string,
  workspace: string,
  extensionPath: string,
  extensionTestsPath?: string,
): string {
  const payload: [string, string][] = [['extensionDevelopmentPath', `vscode-remote://remote${extensionPath}`]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://remote${extensionTestsPath}`]);
  return `${baseUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Launches Debian's Chromium headless with a fresh profile (and HOME) under tempDir. */
export async function launchBrowser(tempDir: string): Promise<BrowserContext> {
  const home = join(tempDir, 'browser-home');
  mkdirSync(home, { recursive: true });
  return chromium.launchPersistentContext(join(tempDir, 'chromium-profile'), {
    executablePath: process.env.XCOM_LENS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: { ...process.env, HOME: home, TMPDIR: join(tempDir, 'tmp') } as Record<string, string>,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
