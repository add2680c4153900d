// The one "create once, forget on rejection" cache: concurrent callers share one pending promise per key, a
// rejected one is dropped so that the next call tries again, and a promise replaced or forgotten meanwhile never
// deletes its successor. Pure: no vscode, no Node built-ins.

/** Promises by key, each created once and forgotten when it rejects. */
export class PromiseCache<K, V> {
  private readonly entries = new Map<K, Promise<V>>();

  /** The promise for `key`, created by `create` when there is none (or the last one rejected). */
  get(key: K, create: () => Promise<V>): Promise<V> {
    const existing = this.entries.get(key);
    if (existing) return existing;
    const created = create();
    this.entries.set(key, created);
    created.catch(() => {
      if (this.entries.get(key) === created) this.entries.delete(key);
    });
    return created;
  }

  /** Forgets one key, or every key that `which` selects. */
  forget(which: K | ((key: K) => boolean)): void {
    if (typeof which !== 'function') {
      this.entries.delete(which);
      return;
    }
    for (const key of [...this.entries.keys()]) if ((which as (key: K) => boolean)(key)) this.entries.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
  }
}
