// Writes scripts/bench/detect/inputs/records.json, the fixed input of the detection throughput
// benchmark: API-shaped JSON records, seeded so every run reads the same bytes. `clean` records
// carry only look-alikes (order numbers, UUIDs, timestamps, prices, versions, hashes, coordinates);
// `sensitive` records are the same shape plus a card, an email, a phone number and an SSN.
// `npx tsx scripts/bench/detect/make-inputs.ts` (only when the input should change).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../../test/corpus/seeded-random.ts';

const { int, pick, digits } = seededRandom(0x0b5e55ed);
const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
const iso = () =>
  `20${int(18, 25)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00Z`;
const WORDS = [
  'standard',
  'express',
  'gift wrap',
  'back order',
  'warehouse',
  'north',
  'returned',
  'priority',
  'bundle',
  'café crème',
  'größe M',
];
const CARDS = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117'];

function cleanRecord(): Record<string, unknown> {
  return {
    id: uuid(),
    orderNumber: `ORD-${digits(10)}`,
    trackingNumber: `1Z${digits(16)}`,
    createdAt: iso(),
    updatedAt: 1764000000000 - int(0, 1e9),
    status: pick(['PAID', 'SHIPPED', 'PENDING', 'CANCELLED']),
    total: { amount: `${int(1, 999)}.${digits(2)}`, currency: pick(['USD', 'EUR', 'GBP']) },
    items: Array.from({ length: int(1, 3) }, () => ({
      sku: `SKU-${digits(6)}`,
      qty: int(1, 5),
      price: Number(`${int(1, 300)}.${digits(2)}`),
      note: pick(WORDS),
    })),
    shipTo: {
      city: pick(['Lyon', 'Austin', 'Osaka', 'Accra', 'Köln']),
      lat: Number(`${int(-60, 60)}.${digits(5)}`),
      lon: Number(`${int(-170, 170)}.${digits(5)}`),
    },
    client: { version: `${int(1, 9)}.${int(0, 30)}.${int(0, 99)}`, build: hex(40) },
  };
}

function sensitiveRecord(): Record<string, unknown> {
  return {
    ...cleanRecord(),
    customer: {
      email: `${pick(['jo', 'li', 'ana', 'raj'])}.${pick(['smith', 'chen', 'rossi'])}${int(1, 99)}@example.com`,
      phone: `+1 ${int(201, 989)} ${int(200, 989)} ${digits(4)}`,
      ssn: `${String(int(1, 665)).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`,
    },
    payment: { cardNumber: pick(CARDS), expiry: `${String(int(1, 12)).padStart(2, '0')}/${int(26, 31)}` },
  };
}

const records = {
  clean: Array.from({ length: 200 }, cleanRecord),
  sensitive: Array.from({ length: 200 }, sensitiveRecord),
};
writeFileSync(fileURLToPath(new URL('./inputs/records.json', import.meta.url)), JSON.stringify(records, null, 1) + '\n');
