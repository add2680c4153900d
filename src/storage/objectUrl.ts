import type { ObjectLocation, StorageSettings } from './storageSettings';

/** `https://` URL of an object: virtual-hosted, or path-style when configured, on a custom endpoint, or when the bucket has dots. */
export function objectUrl(loc: ObjectLocation, settings: StorageSettings = {}): string {
  const key = loc.key.split('/').map(encodeKeySegment).join('/');
  const endpoint = settings.endpointUrl?.trim().replace(/\/+$/, '');
  if (endpoint) {
    const m = /^(https?:\/\/)(.*)$/.exec(endpoint);
    const scheme = m ? m[1] : 'https://';
    const hostAndPath = m ? m[2] : endpoint;
    if (settings.forcePathStyle !== false) return `${scheme}${hostAndPath}/${loc.bucket}/${key}`;
    return `${scheme}${loc.bucket}.${hostAndPath}/${key}`;
  }
  const region = settings.region?.trim() || 'us-east-1';
  const host = `s3.${region}.amazonaws.com`;
  if (settings.forcePathStyle || loc.bucket.includes('.')) return `https://${host}/${loc.bucket}/${key}`;
  return `https://${loc.bucket}.${host}/${key}`;
}

/** Percent-encodes one key segment as S3 does (RFC 3986: also `!'()*`). */
function encodeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
