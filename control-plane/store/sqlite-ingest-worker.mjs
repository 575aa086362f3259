// Entry of the SQLite ingest writer thread. Plain JavaScript, so it starts whatever loader the main
// thread runs under (the `palisade` CLI registers tsx in its own thread only); the TypeScript body
// is loaded through tsx's scoped import, which works with or without tsx registered globally.
import { tsImport } from 'tsx/esm/api';

await tsImport('./sqlite-ingest-thread.ts', import.meta.url);
