import * as vscode from 'vscode';
import { PromiseCache } from '../promiseCache';
import type { ConnectionConfig } from '../config';
import type { MetadataSource } from '../airflow/metadataSource';
import type { AirflowInfo, Page, PageRequest } from '../airflow/types';
import { errorMessage } from '../errors';
import type { ConnectionChange } from '../connections/connectionStore';
import { connectionNodeId } from './treeNodes/nodeIds';

/** Creates a metadata source for a connection (the composition root supplies the real one). */
export type MetadataSourceFactory = (connection: ConnectionConfig) => Promise<MetadataSource>;

/** How a connection fared the last time it was asked. */
export type ConnectionState =
  { status: 'idle' } | { status: 'connected'; info: AirflowInfo } | { status: 'failed'; message: string };

interface PagedList {
  items: unknown[];
  hasMore: boolean;
  fetch: (page: PageRequest, signal: AbortSignal) => Promise<Page<unknown>>;
}

/**
 * The data behind the tree: one lazily created metadata source per connection, the filters, and the pages of
 * every list loaded so far (so "Load more" appends and a collapse/expand does not query again).
 */
export class AirflowTreeModel implements vscode.Disposable {
  private readonly sources = new Map<string, Promise<MetadataSource>>();
  private readonly states = new Map<string, ConnectionState>();
  private readonly lists = new Map<string, PagedList>();
  private readonly values = new PromiseCache<string, unknown>();
  private readonly dagFilters = new Map<string, string>();
  private readonly runStateFilters = new Map<string, string[]>();
  private aborter = new AbortController();
  /** Resets of every connection at once, and of each connection alone (see generationOf). */
  private fullResets = 0;
  private readonly resets = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly createSource: MetadataSourceFactory,
    private readonly pageSize: () => number,
    connectionChanges: vscode.Event<ConnectionChange>,
  ) {
    // Set up before the tree listens, so the tree redraws from a model that has forgotten the connection.
    this.subscription = connectionChanges((change) => void this.reset(change.id));
  }

  /** The metadata source of a connection, connecting on first use. */
  source(connection: ConnectionConfig): Promise<MetadataSource> {
    let source = this.sources.get(connection.id);
    if (!source) {
      source = this.createSource(connection);
      this.sources.set(connection.id, source);
      const attempt = source;
      // A failed attempt is forgotten, unless a reset has already put a newer one in its place.
      attempt.catch(() => this.sources.get(connection.id) === attempt && this.sources.delete(connection.id));
    }
    return source;
  }

  /**
   * Connects and describes the DB; remembers the outcome for welcome views and labels. An attempt that a reset of
   * the connection overtook (saved, edited, tested, Refresh) says nothing about it: it is tried again, not recorded.
   */
  async describe(connection: ConnectionConfig, attempts = 3): Promise<AirflowInfo> {
    const generation = this.generationOf(connection.id);
    try {
      const source = await this.source(connection);
      const info = await source.describe(this.signal);
      const current = this.generationOf(connection.id) === generation;
      if (current) this.states.set(connection.id, { status: 'connected', info });
      return info;
    } catch (error) {
      const overtaken = this.generationOf(connection.id) !== generation;
      if (overtaken && attempts > 1) return this.describe(connection, attempts - 1);
      this.states.set(connection.id, { status: 'failed', message: errorMessage(error) });
      await this.forgetSource(connection.id);
      throw error;
    }
  }

  /** The last known state of a connection. */
  state(connectionId: string): ConnectionState {
    return this.states.get(connectionId) ?? { status: 'idle' };
  }

  /** The signal every tree query runs under; aborted by refresh. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** The loaded pages of a list, fetching the first page when nothing is loaded yet. */
  async list<T>(
    listId: string,
    fetch: (page: PageRequest, signal: AbortSignal) => Promise<Page<T>>,
  ): Promise<{ items: T[]; hasMore: boolean }> {
    const existing = this.lists.get(listId);
    if (existing) return existing as { items: T[]; hasMore: boolean };
    const first = await fetch({ offset: 0, limit: this.pageSize() }, this.signal);
    const entry: PagedList = { items: first.items, hasMore: first.hasMore, fetch: fetch as PagedList['fetch'] };
    this.lists.set(listId, entry);
    return entry as { items: T[]; hasMore: boolean };
  }

  /** A value computed once per key until the next refresh (serialized DAGs, for instance). */
  cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    return this.values.get(key, compute) as Promise<T>;
  }

  /** Appends the next page of a list already shown. */
  async loadMore(listId: string): Promise<void> {
    const entry = this.lists.get(listId);
    if (!entry || !entry.hasMore) return;
    const next = await entry.fetch({ offset: entry.items.length, limit: this.pageSize() }, this.signal);
    entry.items = [...entry.items, ...next.items];
    entry.hasMore = next.hasMore;
  }

  /** Forgets cached pages whose id starts with `prefix` (all of them without a prefix). */
  invalidate(prefix = ''): void {
    for (const id of [...this.lists.keys()]) if (id.startsWith(prefix)) this.lists.delete(id);
    this.values.forget((id) => id.startsWith(prefix));
  }

  /** The DAG filter of a connection. */
  dagFilter(connectionId: string): string | undefined {
    return this.dagFilters.get(connectionId);
  }

  /** Sets or clears the DAG filter of a connection. */
  setDagFilter(connectionId: string, filter: string | undefined): void {
    if (filter) this.dagFilters.set(connectionId, filter);
    else this.dagFilters.delete(connectionId);
  }

  /** The run-state filter of a DAG. */
  runStateFilter(connectionId: string, dagId: string): string[] {
    return this.runStateFilters.get(`${connectionId}\u0000${dagId}`) ?? [];
  }

  /** Sets the run-state filter of a DAG (empty clears it). */
  setRunStateFilter(connectionId: string, dagId: string, states: string[]): void {
    const key = `${connectionId}\u0000${dagId}`;
    if (states.length) this.runStateFilters.set(key, states);
    else this.runStateFilters.delete(key);
  }

  /** Clears every filter. */
  clearFilters(): void {
    this.dagFilters.clear();
    this.runStateFilters.clear();
  }

  /** True when any filter is set. */
  hasFilters(): boolean {
    return this.dagFilters.size > 0 || this.runStateFilters.size > 0;
  }

  /**
   * Every connection: cancels queries in flight, closes every source, forgets every page. One connection: closes
   * its source (which ends its queries) and forgets its pages and state; other connections' queries go on.
   */
  async reset(connectionId?: string): Promise<void> {
    if (connectionId) {
      this.resets.set(connectionId, (this.resets.get(connectionId) ?? 0) + 1);
      this.invalidate(connectionNodeId(connectionId));
      this.states.delete(connectionId);
      await this.forgetSource(connectionId);
      return;
    }
    this.fullResets++;
    this.aborter.abort();
    this.aborter = new AbortController();
    this.lists.clear();
    this.values.clear();
    this.states.clear();
    await Promise.all([...this.sources.keys()].map((id) => this.forgetSource(id)));
  }

  /** Changes whenever the connection is reset, alone or with every other. */
  private generationOf(connectionId: string): string {
    return `${this.fullResets}/${this.resets.get(connectionId) ?? 0}`;
  }

  private async forgetSource(connectionId: string): Promise<void> {
    const source = this.sources.get(connectionId);
    this.sources.delete(connectionId);
    if (source) await source.then((s) => s.close()).catch(() => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    void this.reset();
  }
}
