// HTTP and HTTPS agents for the S3 client whose sockets free each read's buffer once it has been parsed.
//
// Node's HTTP parser copies every piece of a response body into a buffer of its own (`on_body` in
// node_http_parser.cc), and that copy is what the reader gets (and hands to the table worker). The 64 KB buffer
// the socket read into is then dead, but it is freed only when the extension host's next GC finds it: the host
// allocates little while a preview streams, so tens of megabytes of them pile up in the process (about 30 MB on
// a 95 MB object) and the external memory they count makes V8 run full GCs on the host's thread. Each read's
// buffer is freed here instead, once every listener has had the read (a microtask after the 'data' event: the
// parser copies synchronously in its listener).
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';

/** The agents' options: the S3 client's own defaults (connections kept alive, at most 50 at once). */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 } as const;

/** Frees `buffer`'s memory now: a zero-length transfer (ES2024) detaches it and lets its bytes go. */
function free(buffer: ArrayBufferLike): void {
  if (buffer instanceof ArrayBuffer && buffer.byteLength > 0) buffer.transfer?.(0);
}

/**
 * Frees the buffer of each read of `socket` once the read has been handed to every listener, when the read has
 * its buffer to itself (a socket read always does; a view of a shared buffer is left alone). The listener is
 * added as the socket is made, before the request is sent, so it comes first; the HTTP client's own listener
 * parses the read in the same 'data' event, and the microtask runs after it.
 */
function freeReadsWhenParsed(socket: Duplex): void {
  socket.on('data', (read: unknown) => {
    if (!(read instanceof Uint8Array)) return;
    if (read.byteOffset !== 0 || read.byteLength !== read.buffer.byteLength) return;
    queueMicrotask(() => free(read.buffer));
  });
}

/** HTTP connections whose sockets free their reads once parsed (plain endpoints, e.g. MinIO on a laptop). */
class ReadReleasingHttpAgent extends http.Agent {
  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket) freeReadsWhenParsed(socket);
    return socket;
  }
}

/** HTTPS connections whose sockets (TLS: the reads are the decrypted bytes) free their reads once parsed. */
class ReadReleasingHttpsAgent extends https.Agent {
  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = super.createConnection(options, callback);
    if (socket) freeReadsWhenParsed(socket);
    return socket;
  }
}

/** The agents of one S3 client. */
export function readReleasingAgents(): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  return {
    httpAgent: new ReadReleasingHttpAgent(AGENT_OPTIONS),
    httpsAgent: new ReadReleasingHttpsAgent(AGENT_OPTIONS),
  };
}
