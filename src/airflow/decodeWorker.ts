// Worker-thread entry (bundled as dist/decodeWorker.js): decodes one XCom value for Open Value off the extension
// host's thread, so a hostile value (a pickle "billion laughs", a huge JSON document) never blocks the host.
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../errors';
import { decodeXComValue, type DecodeOptions } from './xcomValue';
import type { StoredValue } from './types';

/** What the host gives the worker: one stored value and how to decode it. */
export interface DecodeWorkerData {
  /** The stored value (bytes are copied into the worker). */
  stored: StoredValue;
  /** Passed to decodeXComValue. */
  options: DecodeOptions;
}

/** The decoded editor text and note, or the message of an error. */
export type DecodeWorkerReply = { pretty: string; note?: string } | { error: string };

const { stored, options } = workerData as DecodeWorkerData;
let reply: DecodeWorkerReply;
try {
  const decoded = decodeXComValue(stored, options);
  reply = { pretty: decoded.pretty, note: decoded.note };
} catch (error) {
  reply = { error: errorMessage(error) };
}
parentPort?.postMessage(reply);
