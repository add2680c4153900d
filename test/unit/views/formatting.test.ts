import * as assert from 'node:assert/strict';
import { formatBytes, formatBytesOf } from '../../../src/formatBytes';
import {
  escapeMarkdown,
  formatAge,
  formatDuration,
  formatTimestamp,
  markdownCode,
  oneLine,
  secondsBetween,
  xcomTooltipHeading,
} from '../../../src/views/formatting';
import { hexDump, storedValueAsText } from '../../../src/views/storedValueText';

describe('tree formatting', () => {
  it('durations read like the Airflow UI', () => {
    assert.equal(formatDuration(0.25), '250 ms');
    assert.equal(formatDuration(4.2), '4.2 s');
    assert.equal(formatDuration(75), '1 min 15 s');
    assert.equal(formatDuration(7500), '2 h 5 min');
    assert.equal(formatDuration(null), '');
    assert.equal(secondsBetween('2024-01-01T00:00:00Z', '2024-01-01T00:01:30Z'), 90);
    assert.equal(secondsBetween(null, '2024-01-01T00:01:30Z'), null);
  });

  it('sizes, timestamps and ages', () => {
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(12_345), '12 KB');
    assert.equal(formatBytes(1_500_000), '1.5 MB');
    assert.equal(formatBytesOf(1.1e9, 5e9), '1.1 of 5.0 GB');
    assert.equal(formatBytesOf(250e6, 10e9), '0.3 of 10 GB');
    // A part too small for the whole's unit is said in its own, never as "0.0 of".
    assert.equal(formatBytesOf(30e6, 3e9), '30 MB of 3.0 GB');
    assert.equal(formatBytesOf(0, 3e9), '0 B of 3.0 GB');
    assert.equal(formatBytesOf(3_000_000, undefined), '3.0 MB');
    assert.equal(formatTimestamp('2024-01-01T06:00:00.000Z'), '2024-01-01 06:00:00 UTC');
    const now = Date.parse('2024-01-10T00:00:00Z');
    assert.equal(formatAge('2024-01-09T23:59:30Z', now), 'just now');
    assert.equal(formatAge('2024-01-09T23:55:00Z', now), '5 min ago');
    assert.equal(formatAge('2024-01-09T21:00:00Z', now), '3 h ago');
    assert.equal(formatAge('2024-01-07T00:00:00Z', now), '3 days ago');
  });

  it('one-line previews and Markdown escaping keep data from becoming markup', () => {
    assert.equal(oneLine('a\n  b\tc', 80), 'a b c');
    assert.equal(oneLine('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
    assert.equal(escapeMarkdown('[click](command:x) *b*'), '\\[click\\]\\(command:x\\) \\*b\\*');
  });

  it('code spans in tooltips show identifiers exactly, with no escape backslash', () => {
    // A code span takes no backslash escapes: what goes between the fences is what the tooltip shows.
    assert.equal(xcomTooltipHeading('return_value', 'extract_orders', -1), '**return\\_value** from `extract_orders`');
    assert.equal(xcomTooltipHeading('k', 'process', 2), '**k** from `process` \\[2\\]');
    assert.equal(markdownCode('a`b'), '``a`b``');
    assert.equal(markdownCode('`x'), '`` `x ``');
    assert.equal(markdownCode('line\nbreak'), '`line break`');
    assert.equal(markdownCode('\u202Eevil'), '`\\u202Eevil`');
    assert.equal(markdownCode(''), '');
  });

  it('raw values show text as text and binary as a hex dump', () => {
    assert.equal(
      storedValueAsText({ kind: 'bytes', bytes: new TextEncoder().encode('"xcom_s3://b/k.csv"') }),
      '"xcom_s3://b/k.csv"',
    );
    assert.equal(storedValueAsText({ kind: 'null' }), 'NULL');
    assert.equal(storedValueAsText({ kind: 'json', json: '{"a":1}' }), '{"a":1}');
    const pickle = new Uint8Array([0x80, 0x04, 0x95, 0x05, 0x00, 0x41, 0x42]);
    assert.equal(
      storedValueAsText({ kind: 'bytes', bytes: pickle }),
      `00000000  80 04 95 05 00 41 42${' '.repeat(29)}.....AB`,
    );
    assert.equal(hexDump(new Uint8Array(17)).split('\n').length, 2);
  });
});
