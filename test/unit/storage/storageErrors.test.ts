import * as assert from 'node:assert/strict';
import { CancellationError, isCancellation } from '../../../src/errors';
import { StorageError, isTransientError, storageErrorLabel, toStorageError } from '../../../src/storage/storageErrors';

function sdkError(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error((extra.message as string) ?? name), {
    name,
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

const ctx = {
  loc: { bucket: 'b', key: 'k.csv' },
  credentialsOrigin: 'AWS profile "dev"',
  profile: 'dev',
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  secrets: ['SECRETKEY123'],
};

describe('toStorageError', () => {
  const cases: Array<[Error, string, RegExp]> = [
    [sdkError('NoSuchKey', 404), 'notFound', /^The object s3:\/\/b\/k\.csv does not exist \(deleted or expired\?\)\.$/],
    [sdkError('NotFound', 404), 'notFound', /s3:\/\/b\/k\.csv does not exist/],
    [sdkError('NoSuchBucket', 404), 'noSuchBucket', /bucket "b" does not exist/],
    [sdkError('AccessDenied', 403), 'accessDenied', /denied for AWS profile "dev"/],
    [sdkError('Forbidden', 403), 'accessDenied', /denied/],
    [sdkError('InvalidAccessKeyId', 403), 'badCredentials', /AWS profile "dev".*InvalidAccessKeyId/],
    [
      sdkError('SignatureDoesNotMatch', 403, { message: 'StringToSign SECRETKEY123' }),
      'badCredentials',
      /SignatureDoesNotMatch/,
    ],
    [sdkError('ExpiredToken', 400), 'expiredCredentials', /aws sso login --profile dev/],
    [
      Object.assign(new Error('The SSO session associated with this profile has expired or is otherwise invalid.'), {
        name: 'CredentialsProviderError',
      }),
      'expiredCredentials',
      /aws sso login --profile dev/,
    ],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'noCredentials',
      /No AWS credentials/,
    ],
    [sdkError('PermanentRedirect', 301, { Region: 'eu-west-1' }), 'wrongRegion', /use region eu-west-1/],
    [
      sdkError('AuthorizationHeaderMalformed', 400, {
        message: "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-2'",
      }),
      'wrongRegion',
      /use region ap-southeast-2/,
    ],
    [
      sdkError('301', 301, { $response: { headers: { 'x-amz-bucket-region': 'sa-east-1' } } }),
      'wrongRegion',
      /use region sa-east-1/,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      'unreachable',
      /http:\/\/127\.0\.0\.1:9.*ECONNREFUSED/,
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND nohost'), { code: 'ENOTFOUND' }),
      'unreachable',
      /does not resolve \(ENOTFOUND\)/,
    ],
    [new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), 'unreachable', /ECONNREFUSED/],
    [Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'timeout', /did not answer in time/],
    [sdkError('InvalidRange', 416), 'invalidRange', /InvalidRange/],
    // What the SDK throws for a HEAD's bodiless answers (its name is the status code).
    [sdkError('400', 400, { message: 'UnknownError' }), 'expiredCredentials', /credentials are expired or invalid/],
    [sdkError('Unknown', 400, { message: '' }), 'expiredCredentials', /HTTP 400 without details/],
    [sdkError('InvalidToken', 400), 'expiredCredentials', /have expired/],
    [sdkError('403', 403, { message: 'UnknownError' }), 'accessDenied', /denied for AWS profile "dev" \(HTTP 403\)/],
    [sdkError('Weird', 500, { message: 'boom SECRETKEY123' }), 'unknown', /boom \*\*\*/],
  ];
  for (const [error, kind, message] of cases) {
    it(`${error.name} ${(error as { code?: string }).code ?? ''} → ${kind}`, () => {
      const mapped = toStorageError(error, ctx);
      assert.ok(mapped instanceof StorageError);
      assert.equal(mapped.kind, kind);
      assert.match(mapped.message, message);
      assert.ok(!mapped.message.includes('SECRETKEY123'));
    });
  }

  it('an abort is a cancellation, not a StorageError', () => {
    const mapped = toStorageError(Object.assign(new Error('aborted'), { name: 'AbortError' }), ctx);
    assert.ok(mapped instanceof CancellationError);
    assert.ok(isCancellation(mapped));
    assert.match(mapped.message, /cancelled/);
  });

  it('an aborted signal wins over the error itself', () => {
    const aborter = new AbortController();
    aborter.abort();
    assert.ok(isCancellation(toStorageError(sdkError('InternalError', 500), ctx, aborter.signal)));
  });

  it('a 400 with an unrelated code stays that code, not an expired token', () => {
    const mapped = toStorageError(sdkError('InvalidArgument', 400, { message: 'Invalid argument' }), ctx);
    assert.ok(mapped instanceof StorageError);
    assert.equal(mapped.kind, 'unknown');
    assert.match(mapped.message, /Invalid argument/);
  });

  it('labels for the tree: a 403 is access denied, not unreachable', () => {
    assert.equal(
      storageErrorLabel(toStorageError(sdkError('403', 403, { message: 'UnknownError' }), ctx)),
      'access denied',
    );
    assert.equal(
      storageErrorLabel(toStorageError(sdkError('400', 400, { message: 'UnknownError' }), ctx)),
      'credentials rejected',
    );
    assert.equal(
      storageErrorLabel(toStorageError(Object.assign(new Error('c'), { code: 'ECONNREFUSED' }), ctx)),
      'unreachable',
    );
    assert.equal(storageErrorLabel(toStorageError(sdkError('NoSuchKey', 404), ctx)), 'dangling reference');
  });

  it('transient: 5xx, throttling, resets and timeouts; never 4xx or aborts', () => {
    assert.ok(isTransientError(sdkError('InternalError', 500)));
    assert.ok(isTransientError(sdkError('SlowDown', 503)));
    assert.ok(isTransientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
    assert.ok(isTransientError(Object.assign(new Error('t'), { name: 'TimeoutError' })));
    assert.ok(!isTransientError(sdkError('NoSuchKey', 404)));
    assert.ok(!isTransientError(sdkError('AccessDenied', 403)));
    assert.ok(!isTransientError(Object.assign(new Error('a'), { name: 'AbortError' })));
  });
});
