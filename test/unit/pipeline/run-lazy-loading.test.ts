/**
 * Fixed cost of every `run` (issue 13): what src/pipeline/intercept-run.ts loads statically is
 * loaded by each run, with or without the optional services. The X1 endpoint (its server, the
 * X1 XML model and @xmldom/xmldom), the trigger bus, the delivery links and the metrics server
 * are loaded only when their flags ask for them (dynamic import()).
 */
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticGraph } from '../../helpers/static-graph.js';

const SRC = resolve(import.meta.dirname, '../../../src');

describe('run loads the optional services only when asked', () => {
  const g = staticGraph(resolve(SRC, 'pipeline/intercept-run.ts'));
  const files = [...g.files].map((f) => relative(SRC, f));

  it('finds the pipeline', () => {
    expect(files).toContain('pipeline/intercept-pipeline.ts');
  });

  it('no X1 module, XML parser, trigger bus, delivery link or metrics package', () => {
    expect(files.filter((f) => f.startsWith('x1/') || /^pipeline\/x1-(server|reporter|client|state-file)\.ts$/.test(f))).toEqual([]);
    expect([...g.packages].filter((p) => p.startsWith('@xmldom/') || p.startsWith('@nats-io/') || p === 'prom-client' || p === 'ws')).toEqual([]);
  });
});
