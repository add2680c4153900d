// Every protocol request settles: the host's envelope answers a throwing handler with an error reply, and the
// webview's tracker rejects on that reply, on a send that throws, and after its timeout.
import * as assert from 'node:assert/strict';
import { CancellationError, isCancellation } from '../../src/errors';
import { RequestTracker, replyTo, type Reply } from '../../src/protocol';

describe('protocol: every request settles', () => {
  it('replies once with inReplyTo, and with a failed reply when the handler throws or rejects', async () => {
    const posted: Reply[] = [];
    await replyTo(
      3,
      () => ({ type: 'ack', ok: true }),
      (r) => void posted.push(r),
    );
    await replyTo(
      4,
      () => {
        throw new Error('EACCES: permission denied');
      },
      (r) => void posted.push(r),
    );
    await replyTo(
      5,
      async () => Promise.reject(new Error('disk full')),
      (r) => void posted.push(r),
    );
    assert.deepEqual(posted, [
      { type: 'ack', ok: true, inReplyTo: 3 },
      { type: 'failed', message: 'EACCES: permission denied', inReplyTo: 4 },
      { type: 'failed', message: 'disk full', inReplyTo: 5 },
    ]);
  });

  it('the webview side rejects on a failed reply, a throwing send and a timeout', async () => {
    const tracker = new RequestTracker<Reply>(50);
    let sent = -1;
    const failed = tracker.request((id) => (sent = id));
    await replyTo(
      sent,
      () => {
        throw new Error('cannot write /x.csv');
      },
      (r) => void tracker.settle(r),
    );
    await assert.rejects(failed, /cannot write \/x\.csv/);
    await assert.rejects(
      tracker.request(() => {
        throw new Error('panel gone');
      }),
      /panel gone/,
    );
    await assert.rejects(
      tracker.request(() => undefined),
      /No answer/,
    );
    assert.equal(tracker.waiting, 0);
  });

  it('says a request was stopped as no longer wanted, and the webview side rejects it as a cancel, not a failure', async () => {
    const tracker = new RequestTracker<Reply>(1000);
    let sent = -1;
    const superseded = tracker.request((id) => (sent = id));
    const posted: Reply[] = [];
    await replyTo(
      sent,
      async () => Promise.reject(new CancellationError()),
      (r) => {
        posted.push(r);
        tracker.settle(r);
      },
    );
    assert.deepEqual(posted, [{ type: 'failed', message: 'Cancelled', cancelled: true, inReplyTo: sent }]);
    await assert.rejects(superseded, (e) => isCancellation(e));
    assert.equal(tracker.waiting, 0);
  });
});
