/** RSS after several collections with pauses: freed pages are returned to the OS lazily. Needs --expose-gc. */
export async function settledRss(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
  return process.memoryUsage().rss;
}
