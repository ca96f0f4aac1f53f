import type { TestContext } from 'node:test';

/** Sets variables in this process's environment (a module reads its configuration there) until the test ends. */
export function useProcessEnv(t: Pick<TestContext, 'after'>, env: Record<string, string>): void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  t.after(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}
