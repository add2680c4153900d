import * as vscode from 'vscode';

const icons: Record<string, [string, string | undefined]> = {
  success: ['pass-filled', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  upstream_failed: ['warning', 'charts.orange'],
  up_for_retry: ['debug-restart', 'charts.yellow'],
  up_for_reschedule: ['history', 'charts.yellow'],
  running: ['sync~spin', 'charts.blue'],
  restarting: ['debug-restart', 'charts.blue'],
  queued: ['clock', 'charts.purple'],
  scheduled: ['calendar', 'charts.purple'],
  deferred: ['watch', 'charts.purple'],
  skipped: ['debug-step-over', 'disabledForeground'],
  removed: ['trash', 'disabledForeground'],
  shutdown: ['circle-slash', 'disabledForeground'],
};

/** The icon and colour of an Airflow DAG-run or task-instance state (null = "no status"). */
export function stateIcon(state: string | null): vscode.ThemeIcon {
  const [id, color] = icons[state ?? ''] ?? ['circle-large-outline', 'disabledForeground'];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** Airflow's states as users pick them in filters. */
export const DAG_RUN_STATES = ['failed', 'running', 'queued', 'success'] as const;
