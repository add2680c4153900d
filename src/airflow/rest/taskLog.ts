// Reads one try's log through the API's log endpoint, following the continuation token page by page, cancellable,
// and cut past a size budget with a note. Airflow 2 returns text; Airflow 3 returns structured messages.
import { throwIfCancelled } from '../../errors';
import { structuredMessageText, taskLogFromText, type TaskLog } from '../logs/logText';
import type { TaskInstanceKey } from '../types';
import type { RestMetadataSource } from './restMetadataSource';

/** Options for {@link readTaskLog}. */
export interface TaskLogOptions {
  /** Characters kept at most (default 8 MiB). */
  maxChars?: number;
  /** Pages followed at most (default 200). */
  maxPages?: number;
  /** Cancels the read. */
  signal?: AbortSignal;
}

/** Text of one page's content: a string (2.x) or structured messages / strings (3.x). */
function pageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map(structuredMessageText).join('\n');
}

/** Reads the log of try `tryNumber` of a task instance. */
export async function readTaskLog(
  source: RestMetadataSource,
  ti: TaskInstanceKey,
  tryNumber: number,
  options: TaskLogOptions = {},
): Promise<TaskLog> {
  await source.describe(options.signal);
  const maxChars = options.maxChars ?? 8 * 1024 * 1024;
  const maxPages = options.maxPages ?? 200;
  const enc = encodeURIComponent;
  const path = `/dags/${enc(ti.dagId)}/dagRuns/${enc(ti.runId)}/taskInstances/${enc(ti.taskId)}/logs/${tryNumber}`;
  const parts: string[] = [];
  let size = 0;
  let token: string | undefined;
  let note: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    throwIfCancelled(options.signal);
    const { body } = await source.http.api(path, {
      query: { full_content: false, map_index: ti.mapIndex, ...(token ? { token } : {}) },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const b = (body ?? {}) as { content?: unknown; continuation_token?: unknown };
    const text = pageText(b.content);
    if (size + text.length > maxChars) {
      parts.push(text.slice(0, maxChars - size));
      note = `The log is longer than ${Math.round(maxChars / 1024 / 1024)} MiB: only its start is shown; open it in the Airflow UI for the rest.`;
      break;
    }
    parts.push(text);
    size += text.length;
    const next = typeof b.continuation_token === 'string' && b.continuation_token ? b.continuation_token : undefined;
    if (!next || next === token || !text) break;
    token = next;
  }
  const text = parts.join(parts.length > 1 && parts.every((p) => !p.endsWith('\n')) ? '\n' : '');
  return taskLogFromText(text, note ? [note] : []);
}
