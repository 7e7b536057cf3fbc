/** Every pool (WorkPool, and so every module pool) this process created and has not closed, for `killAll()`. */
const pools = new Set<{ kill(): Promise<void> }>();

export function register(pool: { kill(): Promise<void> }): void {
  pools.add(pool);
}

export function unregister(pool: { kill(): Promise<void> }): void {
  pools.delete(pool);
}

/** Kills every pool the process created (Workestrator's `kill()`). */
export async function killAll(): Promise<void> {
  await Promise.all([...pools].map((p) => p.kill()));
}
