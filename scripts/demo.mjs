#!/usr/bin/env node
// `npm run demo`: until the demo lands (issue "One command to see it all"), say so honestly.
console.error('palisade demo: not yet available. The control plane, dev gateway and filter are being built;');
console.error('see README.md for what runs today (`npm ci && npm test`).');
process.exit(1);
