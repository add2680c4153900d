import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ExpansionState } from '../../../src/views/expansionState';

/** workspaceState as VS Code keeps it between window loads: JSON values by key. */
class JsonMemento implements Pick<vscode.Memento, 'get' | 'update'> {
  readonly stored = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const raw = this.stored.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.stored.delete(key);
    else this.stored.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const [NONE, COLLAPSED, EXPANDED] = [0, 1, 2];

describe('tree expansion state', () => {
  it("keeps the user's expand and collapse across a reload, and each node's default otherwise", async () => {
    const memento = new JsonMemento();
    const before = new ExpansionState(memento as unknown as vscode.Memento);
    assert.equal(before.resolve('c1/', EXPANDED), EXPANDED, 'a connection opens expanded');
    assert.equal(before.resolve('c1/dag/etl', COLLAPSED), COLLAPSED, 'a DAG opens collapsed');
    await before.remember('c1/', false);
    await before.remember('c1/dag/etl', true);
    const after = new ExpansionState(memento as unknown as vscode.Memento); // a window reload
    assert.equal(after.resolve('c1/', EXPANDED), COLLAPSED);
    assert.equal(after.resolve('c1/dag/etl', COLLAPSED), EXPANDED);
    assert.equal(after.resolve('c1/dag/etl', NONE), NONE, 'a leaf stays a leaf');
    assert.equal(after.resolve('c2/', EXPANDED), EXPANDED);
  });

  it('forgets the oldest choices first and ignores what it did not write', async () => {
    const memento = new JsonMemento();
    await memento.update('xcomLens.treeExpansion', [['ok', true], ['bad'], 7]);
    const state = new ExpansionState(memento as unknown as vscode.Memento);
    assert.equal(state.resolve('ok', COLLAPSED), EXPANDED);
    for (let i = 0; i < 2100; i++) await state.remember(`n${i}`, true);
    const kept = memento.get<Array<[string, boolean]>>('xcomLens.treeExpansion') ?? [];
    assert.equal(kept.length, 2000);
    assert.equal(kept[kept.length - 1][0], 'n2099');
    assert.equal(new ExpansionState(memento as unknown as vscode.Memento).resolve('ok', COLLAPSED), COLLAPSED);
  });
});
