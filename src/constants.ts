// Identifiers that mirror package.json `contributes`. One prefix everywhere.

/** Prefix of every command, setting, view and context key. */
export const PREFIX = 'xcomLens';

/** View ids. */
export const Views = {
  /** The Airflow tree in the XCom Lens activity-bar container. */
  explorer: 'xcomLens.explorer',
  /** The webview panel type of table previews. */
  preview: 'xcomLens.preview',
} as const;

/** Context keys used in `when` clauses. */
export const ContextKeys = {
  /** True when at least one connection is configured. */
  hasConnections: 'xcomLens.hasConnections',
  /** True when every configured connection failed to connect. */
  allConnectionsFailed: 'xcomLens.allConnectionsFailed',
} as const;

/** Command ids. */
export const Commands = {
  addConnection: 'xcomLens.addConnection',
  detectConnection: 'xcomLens.detectConnection',
  saveDetectedConnection: 'xcomLens.saveDetectedConnection',
  dismissDetectedConnection: 'xcomLens.dismissDetectedConnection',
  editConnection: 'xcomLens.editConnection',
  removeConnection: 'xcomLens.removeConnection',
  testConnection: 'xcomLens.testConnection',
  refresh: 'xcomLens.refresh',
  filterDags: 'xcomLens.filterDags',
  filterRunsByState: 'xcomLens.filterRunsByState',
  clearFilters: 'xcomLens.clearFilters',
  loadMore: 'xcomLens.loadMore',
  openValue: 'xcomLens.openValue',
  openRawValue: 'xcomLens.openRawValue',
  preview: 'xcomLens.preview',
  previewAnyway: 'xcomLens.previewAnyway',
  copyReference: 'xcomLens.copyReference',
  copyS3Uri: 'xcomLens.copyS3Uri',
  copyHttpsUrl: 'xcomLens.copyHttpsUrl',
  copyPresignedUrl: 'xcomLens.copyPresignedUrl',
  copyXComPullSnippet: 'xcomLens.copyXComPullSnippet',
  copyPandasSnippet: 'xcomLens.copyPandasSnippet',
  copyAwsCliCommand: 'xcomLens.copyAwsCliCommand',
  copyIdentifiers: 'xcomLens.copyIdentifiers',
  downloadObject: 'xcomLens.downloadObject',
  compareWithLastGoodRun: 'xcomLens.compareWithLastGoodRun',
  previewAllMapIndexes: 'xcomLens.previewAllMapIndexes',
  searchXComs: 'xcomLens.searchXComs',
  configureStorage: 'xcomLens.configureStorage',
  showLog: 'xcomLens.showLog',
  openTaskDefinition: 'xcomLens.openTaskDefinition',
  revealTaskInstance: 'xcomLens.revealTaskInstance',
  openLog: 'xcomLens.openLog',
} as const;

/** URI scheme of the read-only virtual documents that show XCom values. */
export const VALUE_SCHEME = 'xcom-lens';

/** URI scheme of the read-only virtual documents that show task logs. */
export const LOG_SCHEME = 'xcom-lens-log';
