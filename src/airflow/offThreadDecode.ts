// Decodes an XCom value in a worker thread (decodeWorker.ts) with a time limit: the host thread only waits.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancellationError } from '../errors';
import type { DecodeWorkerData, DecodeWorkerReply } from './decodeWorker';
import type { StoredValue } from './types';
import type { DecodeOptions } from './xcomValue';

/** The worker script: dist/decodeWorker.js in the bundle, out/src/airflow/decodeWorker.js in tests. */
const defaultDecodeWorkerScript = join(__dirname, 'decodeWorker.js');

/** How long one off-thread decode may take before its worker is ended. */
const DECODE_TIME_LIMIT_MS = 10_000;

/** The editor text of a decoded value and its note. */
export interface OffThreadDecoded {
  /** Pretty JSON or text. */
  pretty: string;
  /** Cut value, pickle, not JSON, or that the time limit ended the decode. */
  note?: string;
}

/** Decodes `stored` in a fresh worker; past `timeLimitMs` the worker is ended and the stored form is offered instead. */
export function decodeOffThread(
  stored: StoredValue,
  options: DecodeOptions,
  signal?: AbortSignal,
  timeLimitMs = DECODE_TIME_LIMIT_MS,
  script = defaultDecodeWorkerScript,
): Promise<OffThreadDecoded> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancellationError());
    const data: DecodeWorkerData = { stored, options };
    const worker = new Worker(script, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      outcome();
    };
    const onAbort = () => finish(() => reject(new CancellationError()));
    const timer = setTimeout(
      () =>
        finish(() =>
          resolve({
            pretty: '',
            note:
              `Decoding this value took longer than ${timeLimitMs / 1000} s and was stopped: ` +
              'open it as stored (Open Stored Value (Raw)) instead.',
          }),
        ),
      timeLimitMs,
    );
    signal?.addEventListener('abort', onAbort);
    worker.once('message', (reply: DecodeWorkerReply) =>
      finish(() => {
        if ('error' in reply) reject(new Error(reply.error));
        else resolve(reply);
      }),
    );
    worker.once('error', (error) =>
      finish(() => {
        const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        reject(outOfMemory ? new Error('Decoding this value needed more than 1 GB of memory and was stopped.') : error);
      }),
    );
    worker.once('exit', (code) => finish(() => reject(new Error(`The value decoder stopped (exit code ${code}).`))));
  });
}
