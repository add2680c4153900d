// The one byte formatter of XCom Lens for tree, editors and messages. Pure (no vscode, no Node built-ins), so the
// webview can share it. Decimal units, 1 KB = 1000 bytes, as the S3 console shows object sizes.

/** "12 B", "3.4 KB", "12.0 MB" (decimal units, as S3 consoles show). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * "1.1 of 5.0 GB": a part and its whole in the whole's unit, or "30 MB of 3.0 GB" when the part would read
 * below 0.1 of that unit; just the part when the whole is unknown.
 */
export function formatBytesOf(part: number, whole: number | undefined): string {
  if (whole === undefined || !Number.isFinite(whole) || whole < 1000) return formatBytes(part);
  const unitOf = formatBytes(whole).split(' ')[1];
  const scale = 1000 ** (['KB', 'MB', 'GB', 'TB'].indexOf(unitOf) + 1);
  const value = part / scale;
  if (value < 0.05) return `${formatBytes(part)} of ${formatBytes(whole)}`;
  return `${value.toFixed(value < 10 ? 1 : 0)} of ${formatBytes(whole)}`;
}
