import * as assert from 'node:assert/strict';
import { decodeXComValue } from '../../../src/airflow/xcomValue';
import { capStoredValue, storedValueAsText } from '../../../src/views/storedValueText';
import { oneLine, escapeMarkdown, visibleText } from '../../../src/views/formatting';

describe('what an editor or a label shows of a value', () => {
  it('shows at most xcomLens.preview.maxRawEditorBytes of a value, and says so', () => {
    const big = { kind: 'bytes' as const, bytes: new TextEncoder().encode(JSON.stringify('x'.repeat(20_000))) };
    const capped = capStoredValue(big, 1000);
    assert.equal(capped.stored.kind === 'bytes' && capped.stored.bytes.length, 1000);
    assert.equal(capped.fullSize, 20_002);
    assert.match(
      capped.note ?? '',
      /Only the first 1\.0 KB of 20 KB are shown \(setting xcomLens\.preview\.maxRawEditorBytes\)/,
    );
    assert.equal(storedValueAsText(capped.stored).length, 1000);
    const decoded = decodeXComValue(capped.stored, { truncated: true, storedSize: capped.fullSize });
    assert.equal(decoded.kind, 'text');
    assert.equal((decoded.value as string).length, 999);
    const json = capStoredValue({ kind: 'json', json: `"${'é'.repeat(1000)}"` }, 101);
    assert.equal(json.stored.kind === 'json' && json.stored.json, `"${'é'.repeat(50)}`);
    assert.equal(capStoredValue({ kind: 'json', json: '42' }, 1000).note, undefined);
    assert.equal(capStoredValue({ kind: 'null' }, 0).note, undefined);
  });

  it('says how much of how much is shown when the DB returned only the first bytes of a value', () => {
    const head = { kind: 'json' as const, json: 'x'.repeat(1000) };
    const capped = capStoredValue(head, 1000, 200_000_000);
    assert.equal(capped.stored.kind === 'json' && capped.stored.json.length, 1000);
    assert.equal(capped.fullSize, 200_000_000);
    assert.match(capped.note ?? '', /Only the first 1\.0 KB of 200 MB are shown/);
    assert.equal(capStoredValue({ kind: 'json', json: '42' }, 1000, 2).note, undefined);
  });

  it('neutralises bidi controls and invisible characters in labels, descriptions and tooltips', () => {
    const evil = 'report\u202Egpj.exe\u200B\u2066';
    assert.equal(visibleText(evil), 'report\\u202Egpj.exe\\u200B\\u2066');
    assert.equal(oneLine(evil), 'report\\u202Egpj.exe\\u200B\\u2066');
    assert.doesNotMatch(escapeMarkdown(evil), /[\u202E\u200B\u2066]/);
    assert.equal(visibleText('café – ok'), 'café – ok');
  });
});
