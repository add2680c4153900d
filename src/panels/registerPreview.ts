// The `xcomLens.preview` command for scripts and tests (the tree's Preview action reuses it), and the
// serializer that restores previews after a window reload.
import * as vscode from 'vscode';
import { Commands, Views } from '../constants';
import type { FormatHint, TableSource } from '../formats/table';
import type { PersistedState } from '../protocol';
import type { PreviewPanels, PreviewRequest, PreviewSummary } from './previewPanel';
import type { Logger } from '../logger';
import { type ReferenceConfig, type ReferenceRule, matchReference, objectOf } from '../references';
import type { PreviewPanelsOptions } from './previewPanel';
import { type ObjectReader, s3TableSource } from './s3TableSource';

/** An S3 object to preview, with optional client settings (credentials come from the AWS chain). */
export interface S3Target {
  /** Bucket name. */
  bucket: string;
  /** Object key. */
  key: string;
  /** S3-compatible endpoint. */
  endpointUrl?: string;
  /** AWS region. */
  region?: string;
  /** Path-style addressing. */
  forcePathStyle?: boolean;
}

/** The plain-object argument of `xcomLens.preview`. */
export interface PreviewArgs {
  /** Panel title. */
  title?: string;
  /** An S3 object. */
  s3?: S3Target;
  /** An inline value: decoded JSON (any pandas orient), a JSON string, or the serde DataFrame wrapper. */
  inline?: unknown;
  /** Declared format of the S3 object. */
  formatHint?: FormatHint;
}

/** What `registerPreview` needs from the composition root. */
export interface PreviewDeps {
  /** Builds an object store for an S3 target (src/storage/s3ClientFactory.ts). */
  createObjectStore(target: S3Target): ObjectReader;
  /** Turns other command arguments (e.g. tree nodes) into a preview; undefined hands the argument to `parsePreviewArgs`. */
  requestFromOther?(arg: unknown): Promise<PreviewRequest | undefined>;
  /** Reopens sources persisted by other openers (e.g. the tree) after a window reload. */
  reviveOther?(persisted: unknown): Promise<PreviewRequest | undefined>;
}

/** Persisted form of a source, for the panel serializer. */
type PersistedSource = { kind: 's3'; target: S3Target; formatHint?: FormatHint } | { kind: 'inline'; value: unknown };

/** Largest inline value kept in the webview's state for a reload (characters of JSON). */
const MAX_PERSISTED_INLINE = 1_000_000;

function isS3Target(v: unknown): v is S3Target {
  const t = v as Partial<S3Target> | undefined;
  return typeof t?.bucket === 'string' && t.bucket.length > 0 && typeof t.key === 'string' && t.key.length > 0
    && (t.endpointUrl === undefined || typeof t.endpointUrl === 'string')
    && (t.region === undefined || typeof t.region === 'string')
    && (t.forcePathStyle === undefined || typeof t.forcePathStyle === 'boolean');
}

const FORMAT_HINTS: readonly string[] = ['auto', 'csv', 'json', 'parquet'];

/** Parses the command argument; returns a message when it is not usable. */
export function parsePreviewArgs(arg: unknown): PreviewArgs | string {
  if (typeof arg !== 'object' || arg === null) return 'Preview Table needs an XCom, an S3 object or an inline value.';
  const a = arg as Record<string, unknown>;
  if (a.title !== undefined && typeof a.title !== 'string') return 'title must be a string.';
  if (a.formatHint !== undefined && !FORMAT_HINTS.includes(a.formatHint as string)) return `formatHint must be one of ${FORMAT_HINTS.join(', ')}.`;
  if (a.s3 !== undefined && !isS3Target(a.s3)) return 's3 must be { bucket, key, endpointUrl?, region?, forcePathStyle? }.';
  if (a.s3 === undefined && a.inline === undefined) return 'Give either s3 or inline.';
  return { title: a.title as string | undefined, s3: a.s3 as S3Target | undefined, inline: a.inline, formatHint: a.formatHint as FormatHint | undefined };
}

async function sourceFromPersisted(persisted: PersistedSource, deps: PreviewDeps, title?: string): Promise<TableSource> {
  if (persisted.kind === 'inline') return { kind: 'inline', title: title ?? 'Inline value', value: persisted.value, persist: persisted };
  const { target, formatHint } = persisted;
  return s3TableSource(deps.createObjectStore(target), { bucket: target.bucket, key: target.key }, { title, formatHint, persist: persisted });
}

/** Builds the preview request for parsed command arguments. */
export async function requestFromArgs(args: PreviewArgs, deps: PreviewDeps): Promise<PreviewRequest> {
  if (args.s3) {
    const persisted: PersistedSource = { kind: 's3', target: args.s3, formatHint: args.formatHint };
    const source = await sourceFromPersisted(persisted, deps, args.title);
    return { title: args.title ?? source.title, subtitle: `s3://${args.s3.bucket}/${args.s3.key}`, source };
  }
  let persist: PersistedSource | undefined;
  try {
    persist = JSON.stringify(args.inline).length <= MAX_PERSISTED_INLINE ? { kind: 'inline', value: args.inline } : undefined;
  } catch {
    persist = undefined;
  }
  const title = args.title ?? 'Inline value';
  return { title, source: { kind: 'inline', title, value: args.inline, persist } };
}

/** Rebuilds a source from what a webview persisted. */
export async function reviveSource(persisted: unknown, deps: PreviewDeps, title?: string): Promise<TableSource | undefined> {
  const p = persisted as Partial<PersistedSource> | undefined;
  if (p?.kind === 'inline' && 'value' in p) return sourceFromPersisted(p as PersistedSource, deps, title);
  if (p?.kind === 's3' && isS3Target(p.target)) return sourceFromPersisted({ kind: 's3', target: p.target, formatHint: FORMAT_HINTS.includes(p.formatHint as string) ? p.formatHint : undefined }, deps, title);
  return undefined;
}

/** Builds an object store from an S3 target with the standard AWS credential chain. */
export function defaultObjectStore(target: S3Target, log?: Logger): ObjectReader {
  const settings = { endpointUrl: target.endpointUrl, region: target.region, forcePathStyle: target.forcePathStyle };
  // The AWS SDK is loaded on first use, not during activation.
  let store: Promise<ObjectReader> | undefined;
  const load = () =>
    (store ??= Promise.all([import('../storage/objectStore'), import('../storage/s3ClientFactory')]).then(
      ([{ S3ObjectStore }, { createS3Client }]) => new S3ObjectStore(createS3Client(settings), { settings, logger: log }),
    ));
  return {
    head: async (loc, signal) => (await load()).head(loc, signal),
    async *read(loc, options) {
      yield* (await load()).read(loc, options);
    },
    readRange: async (loc, start, endInclusive, signal) => (await load()).readRange(loc, start, endInclusive, signal),
  };
}

/**
 * The collaborators of previews: S3 access, and references in cells opened as new previews (read with the
 * same endpoint as the table they were found in). `rules` gives the XCom backend reference rules in force, and
 * `references` the configuration they were built from (sent to the webview, which builds the same rules).
 */
export function createPreviewDeps(
  log: Logger,
  rules: () => ReferenceRule[],
  references: () => ReferenceConfig,
): PreviewDeps & PreviewPanelsOptions {
  const deps: PreviewDeps & PreviewPanelsOptions = {
    createObjectStore: (target) => defaultObjectStore(target, log),
    referenceConfig: () => references(),
    async resolveReference(value, parent) {
      const match = matchReference(value, rules());
      const loc = objectOf(match);
      if (!loc) return undefined;
      const persisted = parent.source.persist as Partial<PersistedSource> | undefined;
      const base = persisted?.kind === 's3' && persisted.target ? persisted.target : undefined;
      const formatHint = match.kind === 'reference' && match.reference.formatHint && match.reference.formatHint !== 'pickle' ? match.reference.formatHint : undefined;
      return requestFromArgs({ s3: { ...base, bucket: loc.bucket, key: loc.key }, formatHint }, deps);
    },
  };
  return deps;
}

/** Registers `xcomLens.preview` (plain-object argument) and the preview panel serializer. */
export function registerPreview(context: vscode.ExtensionContext, panels: PreviewPanels, deps: PreviewDeps): void {
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand(Commands.preview, async (arg: unknown): Promise<PreviewSummary | undefined> => {
      const other = await deps.requestFromOther?.(arg).catch((e: unknown) => {
        void vscode.window.showErrorMessage(`XCom Lens: cannot preview: ${(e as Error).message ?? e}`);
        return null;
      });
      if (other === null) return undefined;
      if (other) return panels.openSession(other).loaded;
      const args = parsePreviewArgs(arg);
      if (typeof args === 'string') {
        void vscode.window.showErrorMessage(`XCom Lens: ${args}`);
        return undefined;
      }
      let request: PreviewRequest;
      try {
        request = await requestFromArgs(args, deps);
      } catch (e) {
        void vscode.window.showErrorMessage(`XCom Lens: cannot open ${args.title ?? 'the object'}: ${(e as Error).message ?? e}`);
        return undefined;
      }
      return panels.openSession(request).loaded;
    }),
    vscode.window.registerWebviewPanelSerializer(Views.preview, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const s = (typeof state === 'object' && state !== null ? state : {}) as PersistedState;
        let source: TableSource | undefined;
        try {
          source = (await reviveSource(s.source, deps, typeof s.title === 'string' ? s.title : undefined)) ?? (await deps.reviveOther?.(s.source))?.source;
        } catch {
          source = undefined;
        }
        await panels.revive(panel, s, source);
      },
    }),
  );
}
