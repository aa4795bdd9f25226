// Interleaved A/B of start-up (process start -> list painted, empty history): A = #19 build, B = #18 build.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
process.env.CITEWISE_MOCK = '/work/main/target/release/citewise-mock';
const S = await import('/work/main/bench/support.mjs');
const E2E = await import('/work/main/e2e/support.mjs');
const bootMs = S.bootEpochMs();
const mock = await E2E.startMock();
const N = Number(process.env.N || 16);
const apps = { A: process.env.APP_A || '/work/ab/A-citewise', B: process.env.APP_B || '/work/ab/B-citewise', F: '/work/main/target/release/citewise-floor' };
const out = { A: [], B: [], F: [] };
for (let i = 0; i < N; i++) {
  for (const k of (i % 2 ? ['B', 'A', 'F'] : ['A', 'B', 'F'])) {
    const dir = k === 'F' ? null : mkdtempSync(join(tmpdir(), 'ab-'));
    const env = dir ? { CITEWISE_DATA_DIR: dir, PERPLEXITY_BASE_URL: mock.baseUrl, PERPLEXITY_API_KEY: E2E.KEY } : {};
    try {
      const app = await S.launch(apps[k], env);
      try {
        const mark = await S.markTime(app.driver, k === 'F' ? 'floor:painted' : 'citewise:list-painted');
        out[k].push(mark.at - S.startEpochMs(app.pid, bootMs));
      } finally { await app.close(); }
    } catch (e) { console.error(k, e.message); }
    if (dir) rmSync(dir, { recursive: true, force: true });
    await S.sleep(500);
  }
  console.error(`round ${i + 1}: A ${out.A.at(-1)} B ${out.B.at(-1)} F ${out.F.at(-1)}`);
}
writeFileSync(process.env.OUT || '/work/ab/result.json', JSON.stringify(out));
mock.stop?.(); mock.close?.();
process.exit(0);
