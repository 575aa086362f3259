// The demo's progress display: one line per step ("starting …" then ✔/✖ with a detail), and a live
// status line rewritten in place on a terminal (printed every few seconds when output is a file or
// a pipe, so CI logs stay readable).
export interface Progress {
  step<T>(what: string, run: () => Promise<T>, detail?: (value: T) => string): Promise<T>;
  line(text: string): void;
  live(text: string): void;
  endLive(): void;
}

export function createProgress(out: NodeJS.WriteStream = process.stdout): Progress {
  const tty = out.isTTY === true;
  let liveShown = false;
  let lastPlainLive = 0;
  const clearLive = () => {
    if (tty && liveShown) out.write('\r\x1b[2K');
    liveShown = false;
  };
  return {
    async step(what, run, detail) {
      clearLive();
      if (tty) out.write(`  … ${what}`);
      const started = Date.now();
      try {
        const value = await run();
        const extra = detail ? ` — ${detail(value)}` : '';
        if (tty) out.write('\r\x1b[2K');
        out.write(`  ✔ ${what}${extra} (${Date.now() - started} ms)\n`);
        return value;
      } catch (err) {
        if (tty) out.write('\r\x1b[2K');
        out.write(`  ✖ ${what}: ${(err as Error).message}\n`);
        throw err;
      }
    },
    line(text) {
      clearLive();
      out.write(text + '\n');
    },
    live(text) {
      if (tty) {
        out.write('\r\x1b[2K' + text);
        liveShown = true;
      } else if (Date.now() - lastPlainLive >= 5000) {
        lastPlainLive = Date.now();
        out.write(text + '\n');
      }
    },
    endLive() {
      if (tty && liveShown) out.write('\n');
      liveShown = false;
    },
  };
}
