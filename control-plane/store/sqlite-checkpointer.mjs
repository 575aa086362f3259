// Background WAL checkpoints for the SQLite store, on a worker thread with its own connection.
// A checkpoint copies the WAL back into the database file and fsyncs it; run by the writer (SQLite's
// automatic checkpoint), that wait stalls ingest commits and the event loop with them. A PASSIVE
// checkpoint here never blocks the writer and changes no durability guarantee: a commit is as
// durable once it is in the WAL as it ever was. Plain JavaScript so the worker needs no TS loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, intervalMs } = /** @type {{ file: string, intervalMs: number }} */ (workerData);
const db = new Database(file);
db.pragma('busy_timeout = 5000');

function checkpoint() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or the file went away (store closing): the next tick, or the writer's own
    // automatic checkpoint, catches up.
  }
}

const timer = setInterval(checkpoint, intervalMs);
parentPort?.on('message', (message) => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort?.postMessage('closed');
  parentPort?.close();
});
