// The webview's side of the protocol: posts messages to the host and matches replies to requests.
import { RequestTracker } from '../src/protocol';
import { errorMessage, isCancellation } from '../src/errors';
import type { FromWebview, PersistedState, ToWebview } from '../src/protocol';

/** What VS Code gives a webview script. */
interface VsCodeApi {
  postMessage(msg: FromWebview): void;
  getState(): PersistedState | undefined;
  setState(s: PersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** A host message that answers a request. */
export type Reply = Extract<ToWebview, { inReplyTo: number }>;

/** Export waits for the user at the save dialog: it may take long, but it still ends. */
export const EXPORT_TIMEOUT_MS = 30 * 60_000;

/** Talks to the extension host; every request settles, and a failed one is reported through `onFailure`. */
export class HostClient {
  private readonly vscode = acquireVsCodeApi();
  private readonly requests = new RequestTracker<Reply>();

  /** `onFailure` hears what failed and the type of request it answered. */
  constructor(private readonly onFailure: (message: string, request: FromWebview['type']) => void) {}

  /** Sends a message that expects no reply. */
  post(msg: FromWebview): void {
    this.vscode.postMessage(msg);
  }

  /** Sends the message built for a new request id; rejects (after reporting) on a failed reply or a timeout. */
  async request(message: (id: number) => FromWebview, timeoutMs?: number): Promise<Reply> {
    let type: FromWebview['type'] | undefined;
    try {
      return await this.requests.request((id) => {
        const sent = message(id);
        type = sent.type;
        this.vscode.postMessage(sent);
      }, timeoutMs);
    } catch (e) {
      // Work stopped because it was no longer wanted (the grid asked for another sort) is no failure to show.
      if (!isCancellation(e) && type) this.onFailure(errorMessage(e), type);
      throw e;
    }
  }

  /** Hands a reply to the request it answers. */
  settle(reply: Reply): void {
    this.requests.settle(reply);
  }

  /** What an earlier webview of this panel persisted. */
  savedState(): PersistedState {
    return this.vscode.getState() ?? {};
  }

  /** Persists the state a reloaded webview continues from. */
  saveState(state: PersistedState): void {
    this.vscode.setState(state);
  }
}
