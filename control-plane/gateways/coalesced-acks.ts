// Rules acks, coalesced: after a publish every watching gateway acks within a few milliseconds,
// and one store write (a commit) per ack made the store the bottleneck of propagation. Acks
// arriving while a write is running wait for the next one, so there is at most one write in
// flight and each carries every ack that arrived meanwhile; writes start at least `minGapMs`
// apart, so acks trickling in one by one still share a write. Each caller's promise settles only
// when the write holding its ack committed (or failed): an ack is still durable when it resolves.
export type WriteAcks = (acks: { gatewayId: string; version: number }[]) => Promise<void>;

interface Pending {
  acks: { gatewayId: string; version: number }[];
  settle: { resolve(): void; reject(e: unknown): void }[];
}

export function createCoalescedAcks(write: WriteAcks, minGapMs = 4): (gatewayId: string, version: number) => Promise<void> {
  let next: Pending | null = null;
  let writing = false;
  let lastStart = -Infinity;

  const drain = async () => {
    writing = true;
    while (next) {
      const wait = lastStart + minGapMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const batch = next;
      next = null;
      lastStart = performance.now();
      try {
        await write(batch.acks);
        for (const s of batch.settle) s.resolve();
      } catch (e) {
        for (const s of batch.settle) s.reject(e);
      }
    }
    writing = false;
  };

  return (gatewayId, version) =>
    new Promise<void>((resolve, reject) => {
      if (!next) {
        next = { acks: [], settle: [] };
        // Wait one turn of the event loop so the acks read from the same socket reads share it.
        if (!writing) {
          writing = true;
          setImmediate(() => void drain());
        }
      }
      next.acks.push({ gatewayId, version });
      next.settle.push({ resolve, reject });
    });
}
