// What managed-Airflow sign-in adds to the shipped extension bundle: the bytes of dist/extension.js (production,
// minified) that come from google-auth-library and its dependencies, from the SigV4 signer, and from XCom Lens's own
// MWAA / Composer modules, read from esbuild's metafile. They are evaluated only when a connection needs them.
import * as esbuild from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The packages that only google-auth-library brings into the bundle (compared with the bundle without it).
const GOOGLE = new RegExp(
  `node_modules/(${[
    'google-auth-library',
    'gaxios',
    'gcp-metadata',
    'google-logging-utils',
    'json-bigint',
    'bignumber\\.js',
    'node-fetch',
    'fetch-blob',
    'formdata-polyfill',
    'data-uri-to-buffer',
    'node-domexception',
    'web-streams-polyfill',
    'https-proxy-agent',
    'agent-base',
    'debug',
    'ms',
    'supports-color',
    'has-flag',
    'extend',
    'jws',
    'jwa',
    'ecdsa-sig-formatter',
    'buffer-equal-constant-time',
    'safe-buffer',
    'base64-js',
  ].join('|')})/`,
);

const GROUPS = [
  {
    figure: 'bundle bytes from google-auth-library and its dependencies (Composer)',
    test: (p) => GOOGLE.test(p),
  },
  {
    figure: 'bundle bytes from @smithy/signature-v4 (MWAA SigV4)',
    test: (p) => /node_modules\/@smithy\/signature-v4\//.test(p),
  },
  {
    figure: "bundle bytes of XCom Lens's MWAA and Composer modules",
    test: (p) => /^src\/(airflow\/rest\/(mwaa\w*|googleCredentials)|storage\/awsCredentials)\.ts$/.test(p),
  },
];

export async function run() {
  const result = await esbuild.build({
    entryPoints: { extension: join(root, 'src/extension.ts') },
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    external: ['vscode'],
    minify: true,
    write: false,
    outdir: join(root, '.tmp', 'bench', 'cloud-auth'),
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint?.endsWith('src/extension.ts'));
  const total = output.bytes;
  const inputs = Object.entries(output.inputs).map(([path, info]) => [path.replace(/\\/g, '/'), info.bytesInOutput]);
  return [
    ...GROUPS.map(({ figure, test }) => {
      const bytes = inputs.filter(([path]) => test(path)).reduce((sum, [, n]) => sum + n, 0);
      return {
        figure,
        value: Math.round(bytes / 1024),
        unit: 'KiB',
        comparedWith: 'the whole extension.js',
        ratio: bytes / total,
      };
    }),
    { figure: 'production extension.js', value: Math.round(total / 1024), unit: 'KiB', comparedWith: '', ratio: null },
  ];
}
