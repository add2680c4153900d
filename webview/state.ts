// The one state object of the preview webview: what the host told it and what the grid holds.
import type { GridApi, GridState } from 'ag-grid-community';
import type { Cell, ColumnInfo, PersistedState, RowGroupCounts, ViewQuery } from '../src/protocol';
import type { ReferenceRule } from '../src/references';

/** Everything the webview knows about its table; the modules share this one object. */
export interface PreviewState {
  /** The table's columns, from the host's `schema`. */
  columns: ColumnInfo[];
  /** Up to this many rows the grid holds every row itself (client mode); beyond, the host sorts and filters. */
  clientRowCap: number;
  /** The reference rules of the preview's connection (cells they match are links). */
  referenceRules: ReferenceRule[];
  /** How the host can reopen this table (persisted, opaque). */
  source: unknown;
  /** The host can read the source again from the start: a failure to read offers Reopen. */
  reopenable: boolean;
  /** A read found the object replaced: Read Further is no longer offered (Reopen reads the new version). */
  sourceChanged: boolean;
  /** Client mode (rows in the grid) or server mode (rows paged from the host). */
  mode: 'client' | 'server';
  /** The grid, once there are columns. */
  api: GridApi<Cell[]> | undefined;
  /** Rows the host has parsed so far. */
  rowsParsed: number;
  /** Rows pulled into the grid (client mode). */
  loaded: number;
  /** A pull of rows is under way. */
  pulling: boolean;
  /** The host has finished reading (done, cancelled or failed). */
  done: boolean;
  /** The load was cancelled: the rows read so far are all there is. */
  cancelled: boolean;
  /** Set while reading stopped at the memory budget: the table holds the first part of the object only. */
  partial: { bytesRead: number; totalBytes?: number; rowGroups?: RowGroupCounts } | undefined;
  /** Set once the host reads a Parquet object on demand: its rows and how many row groups it holds. */
  rowGroups?: RowGroupCounts;
  /** The query of the last window the host answered (server mode). */
  lastQuery?: ViewQuery;
  /** Rows matching the current query (server mode). */
  serverTotal: number;
  /** The quick search text. */
  quickFilter: string;
  /** The grid state persisted by an earlier webview of this panel. */
  savedGrid: GridState | undefined;
}

/** The state of a new webview, continuing what an earlier one persisted. */
export function initialState(saved: PersistedState): PreviewState {
  return {
    columns: [],
    clientRowCap: 200_000,
    referenceRules: [],
    source: saved.source,
    reopenable: false,
    sourceChanged: false,
    mode: 'client',
    api: undefined,
    rowsParsed: 0,
    loaded: 0,
    pulling: false,
    done: false,
    cancelled: false,
    partial: undefined,
    serverTotal: 0,
    quickFilter: saved.query?.quickFilter ?? '',
    savedGrid: saved.grid as GridState | undefined,
  };
}

/** True while Read Further can read on: reading waits at the budget, was not cancelled, and the object is unchanged. */
export function readFurtherOffered(state: PreviewState): boolean {
  return state.partial !== undefined && !state.cancelled && !state.sourceChanged;
}
