// Open Value on hostile values: the host's event-loop delay while every input of the hostile corpus
// (test/fixtures/hostile) is decoded in the decode worker, against decoding the same inputs on the host thread.
//   node bench/openValue.bench.mjs            prints the figures as a table
//   import { run } from './openValue.bench.mjs'  returns rows { figure, value, unit, comparedWith, ratio }
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { bundleModules } from './bundle.mjs';

const require = createRequire(import.meta.url);
const turn = () => new Promise((resolve) => setTimeout(resolve, 10));

/** Decodes the corpus once with `decode` and returns the host's max and p99 event-loop delay in ms. */
async function delayWhile(corpus, decode) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  for (const [, stored] of corpus) {
    await decode(stored);
    await turn();
  }
  delay.disable();
  return { max: delay.max / 1e6, p99: delay.percentile(99) / 1e6 };
}

export async function run() {
  const modules = require(
    await bundleModules('openValue', [
      "export { decodeOffThread } from './src/airflow/offThreadDecode';",
      "export { decodeXComValue } from './src/airflow/xcomValue';",
      "export { hostileStoredValues } from './test/fixtures/hostile/hostileCorpus';",
    ]),
  );
  const worker = await bundleModules('decodeWorker', ["import './src/airflow/decodeWorker';"]);
  const corpus = modules.hostileStoredValues();
  const offThread = await delayWhile(corpus, (s) => modules.decodeOffThread(s, {}, undefined, 10_000, worker));
  const onHost = await delayWhile(corpus, (s) => modules.decodeXComValue(s, {}).pretty);
  const what = `host event-loop delay, Open Value of ${corpus.length} hostile values`;
  return [
    {
      figure: `${what} (max)`,
      value: offThread.max,
      unit: 'ms',
      comparedWith: 'decoded on the host',
      ratio: offThread.max / onHost.max,
    },
    {
      figure: `${what} (p99)`,
      value: offThread.p99,
      unit: 'ms',
      comparedWith: 'decoded on the host',
      ratio: offThread.p99 / onHost.p99,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) console.table(await run());
