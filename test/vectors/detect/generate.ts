// Writes the detection vectors (test/vectors/detect/<name>.json) from the case table below.
// `npx tsx test/vectors/detect/generate.ts`. Expected spans come from how each input is built —
// values are marked in the text as ⟦type|value⟧ or ⟦type@path|value⟧ — never from a scanner's
// output. The JSON files are committed; this script only saves typing them by hand.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

interface Expected {
  type: string;
  field: string;
  start: number;
  end: number;
  path?: string;
}
interface Input {
  kind: 'request' | 'response';
  headers: Record<string, string>;
  query: string;
  body: string;
  contentType: string;
}
interface Vector {
  name: string;
  description: string;
  input: Input;
  expected: Expected[];
}

const MARK = /⟦([a-z0-9_]+)(?:@([^|]*))?\|([\s\S]*?)⟧/g;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Strips the markers of `text` and returns the clean text and the spans they marked. */
function unmark(text: string, field: string, out: Expected[]): string {
  let clean = '';
  let last = 0;
  for (const m of text.matchAll(MARK)) {
    clean += text.slice(last, m.index);
    const start = bytes(clean);
    clean += m[3]!;
    const e: Expected = { type: m[1]!, field, start, end: bytes(clean) };
    if (m[2] !== undefined && m[2] !== '') e.path = m[2];
    out.push(e);
    last = m.index! + m[0].length;
  }
  return clean + text.slice(last);
}

const vectors: Vector[] = [];

interface Spec {
  headers?: Record<string, string>;
  query?: string;
  body?: string;
  contentType?: string;
  kind?: 'request' | 'response';
}

function add(name: string, description: string, spec: Spec): void {
  const expected: Expected[] = [];
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k] = unmark(v, `header:${k.toLowerCase()}`, expected);
  const query = unmark(spec.query ?? '', 'query', expected);
  const body = unmark(spec.body ?? '', 'body', expected);
  const fieldOrder = (f: string) => (f.startsWith('header:') ? Object.keys(headers).findIndex((h) => `header:${h.toLowerCase()}` === f) : f === 'query' ? 1000 : 2000);
  expected.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field) || a.start - b.start || a.end - b.end);
  vectors.push({ name, description, input: { kind: spec.kind ?? 'request', headers, query, body, contentType: spec.contentType ?? '' }, expected });
}

const json = (body: string, extra: Omit<Spec, 'body' | 'contentType'> = {}): Spec => ({ ...extra, body, contentType: 'application/json' });
const text = (body: string): Spec => ({ body, contentType: 'text/plain' });
const form = (body: string): Spec => ({ body, contentType: 'application/x-www-form-urlencoded' });
const xml = (body: string): Spec => ({ body, contentType: 'application/xml' });

// ---- value helpers -----------------------------------------------------------------------------

function luhnDigit(partial: string): string {
  let sum = 0;
  for (let i = partial.length - 1, k = 0; i >= 0; i--, k++) {
    let v = Number(partial[i]);
    if (k % 2 === 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return String((10 - (sum % 10)) % 10);
}
const luhn = (partial: string) => partial + luhnDigit(partial);
const notLuhn = (partial: string) => partial + String((Number(luhnDigit(partial)) + 1) % 10);
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = (payload: object, sig = 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c') =>
  `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${sig}`;
const basic = (userpass: string) => Buffer.from(userpass).toString('base64');

const CARDS: Record<string, string> = {
  visa: '4111111111111111',
  visa2: '4012888888881881',
  mastercard: '5555555555554444',
  mastercard2: '2223003122003222',
  amex: '378282246310005',
  discover: '6011111111111117',
  jcb: '3530111333300000',
  diners: '30569309025904',
  unionpay: luhn('620000000000000'),
  maestro: luhn('675900000000'),
};

// ---- credit cards ------------------------------------------------------------------------------

for (const [brand, pan] of Object.entries(CARDS)) {
  add(`card-${brand}-json-string`, `${brand} number in a JSON string under card_number`, json(`{"card_number":"⟦credit_card@$.card_number|${pan}⟧","exp":"12/29"}`));
  add(`card-${brand}-text`, `${brand} number in free text`, text(`Charged the card ⟦credit_card|${pan}⟧ today.`));
}
add('card-json-number', 'card number as a JSON number', json(`{"payment":{"pan":⟦credit_card@$.payment.pan|4111111111111111⟧}}`));
add('card-spaced', 'card number with spaces', json(`{"cardNumber":"⟦credit_card@$.cardNumber|4111 1111 1111 1111⟧"}`));
add('card-dashed', 'card number with dashes', text(`card: ⟦credit_card|5555-5555-5555-4444⟧`));
add('card-amex-4-6-5', 'amex grouped 4-6-5', text(`amex ⟦credit_card|3782 822463 10005⟧ on file`));
add('card-nested-array-path', 'card inside an array of objects', json(`{"customer":{"cards":[{"number":"⟦credit_card@$.customer.cards[0].number|4111111111111111⟧"},{"number":"⟦credit_card@$.customer.cards[1].number|5555555555554444⟧"}]}}`));
add('card-array-of-strings', 'cards as an array of strings keep the array key', json(`{"cards":["⟦credit_card@$.cards[0]|4111111111111111⟧","⟦credit_card@$.cards[1]|378282246310005⟧"]}`));
add('card-query-plus-spaces', 'card in a query string with + as spaces', { query: 'q=1&card=⟦credit_card@card|4111+1111+1111+1111⟧' });
add('card-query-percent-spaces', 'card in a query string with %20 spaces', { query: 'card=⟦credit_card@card|4111%201111%201111%201111⟧&x=1' });
add('card-form-body', 'card in a form body', form('name=Jo+Smith&cc_number=⟦credit_card@cc_number|4111111111111111⟧&exp=1229'));
add('card-xml-text', 'card in XML text', xml(`<payment><card>⟦credit_card@/payment/card|4111111111111111⟧</card></payment>`));
add('card-xml-attribute', 'card in an XML attribute', xml(`<payment card="⟦credit_card@/payment/@card|4111111111111111⟧"/>`));
add('card-json-unicode-escapes', 'card digits written as \\u escapes are judged decoded, reported as sent', json(`{"card":"⟦credit_card@$.card|\\u0034\\u0031\\u0031\\u0031111111111111⟧"}`));
add('card-ndjson', 'cards on two NDJSON lines', { body: `{"card":"⟦credit_card@$.card|4111111111111111⟧"}\n{"card":"⟦credit_card@$.card|5555555555554444⟧"}\n`, contentType: 'application/x-ndjson' });
add('card-untyped-json', 'JSON without a content type is still walked as JSON', { body: `{"card":"⟦credit_card@$.card|4111111111111111⟧"}` });
add('card-csv', 'cards in CSV cells take the column name as key and path', { body: `id,name,card\n1,Jo,⟦credit_card@card|4111111111111111⟧\n2,Al,⟦credit_card@card|5555555555554444⟧\n`, contentType: 'text/csv' });
add('csv-quoted-cells', 'quoted CSV cells with commas, doubled quotes and CRLF', { body: `"name","note","imei"\r\n"Jo, Jr.","said ""hi""",⟦imei@imei|490154203237518⟧\r\n"Al","x","⟦imei@imei|356938035643809⟧"\r\n`, contentType: 'text/csv' });
add('csv-no-header-context', 'a 15-digit column named id is not an IMSI', { body: `id,status\n310150123456789,active\n`, contentType: 'text/csv' });
add('neg-keyword-inside-word', 'a negative keyword inside another word does not count (tel in Patel)', text(`Jo Patel, social ⟦us_ssn|536-22-5492⟧`));
add('card-non-ascii-prefix', 'offsets are UTF-8 bytes after non-ASCII text', text(`Paiement reçu — carte ⟦credit_card|4111111111111111⟧ débitée`));
add('card-json-non-ascii-key', 'non-ASCII text before a card in JSON', json(`{"note":"für Müller","karte":"⟦credit_card@$.karte|4111111111111111⟧"}`));
add('card-response', 'card in a response body', { ...json(`{"data":{"pan":"⟦credit_card@$.data.pan|4111111111111111⟧"}}`), kind: 'response' });
add('card-header', 'card in a custom header', { headers: { 'X-Card': '⟦credit_card|4111111111111111⟧' } });
// hard negatives
add('neg-card-luhn-fail', 'a 16-digit number failing Luhn is not a card', json(`{"card_number":"${notLuhn('411111111111111')}"}`));
add('neg-card-order-id', 'a Luhn-valid number under order_id is an order id', json(`{"order_id":"4111111111111111"}`));
add('neg-card-tracking', 'tracking number context', text(`Your tracking number is 4111111111111111 for the parcel.`));
add('neg-card-all-same', 'repeated digits are not a card', json(`{"card":"0000000000000000"}`));
add('neg-card-too-long', 'a 25-digit run is not a card', json(`{"id":"4111111111111111111111111"}`));
add('neg-card-masked', 'a masked card is not a card', json(`{"card":"************1111"}`));
add('neg-card-masked-x', 'an x-masked card is not a card', json(`{"card":"XXXX-XXXX-XXXX-1111"}`));
add('neg-card-unknown-iin', 'a Luhn-valid number with no issuer prefix', json(`{"card":"${luhn('990000000000000')}"}`));
add('neg-card-inside-word', 'digits glued to letters', text(`ref=ABC4111111111111111XYZ`));
add('neg-card-timestamp-ms', 'a millisecond timestamp is too short', json(`{"ts":1700000000000}`));
add('neg-card-invoice', 'invoice context lowers confidence below the threshold', text(`invoice 4111111111111111 paid`));

// ---- SSN -----------------------------------------------------------------------------------------

add('ssn-dashed-json', 'dashed SSN under ssn', json(`{"ssn":"⟦us_ssn@$.ssn|078-05-1121⟧"}`));
add('ssn-dashed-text', 'dashed SSN in text', text(`SSN: ⟦us_ssn|123-45-6788⟧.`));
add('ssn-dashed-no-context', 'dashed SSN without context still counts', text(`ref ⟦us_ssn|219-09-9998⟧ end`));
add('ssn-spaced', 'SSN with spaces', json(`{"social_security_number":"⟦us_ssn@$.social_security_number|123 45 6788⟧"}`));
add('ssn-bare-with-key', 'undashed SSN under an ssn key', json(`{"customerSsn":"⟦us_ssn@$.customerSsn|123456788⟧"}`));
add('ssn-bare-with-keyword', 'undashed SSN after the keyword ssn', text(`patient ssn ⟦us_ssn|536225492⟧ on file`));
add('ssn-form', 'SSN in a form body', form('name=Jo&ssn=⟦us_ssn@ssn|536-22-5492⟧'));
add('ssn-xml', 'SSN in XML', xml(`<person><SSN>⟦us_ssn@/person/SSN|536-22-5492⟧</SSN></person>`));
add('ssn-query', 'SSN in a query', { query: 'ssn=⟦us_ssn@ssn|536-22-5492⟧' });
add('neg-ssn-area-000', 'area 000 is never issued', json(`{"ssn":"000-12-3456"}`));
add('neg-ssn-area-666', 'area 666 is never issued', json(`{"ssn":"666-12-3456"}`));
add('neg-ssn-area-9xx', 'area 900-999 is never issued', json(`{"ssn":"912-12-3456"}`));
add('neg-ssn-group-00', 'group 00 is never issued', json(`{"ssn":"123-00-4567"}`));
add('neg-ssn-serial-0000', 'serial 0000 is never issued', json(`{"ssn":"123-45-0000"}`));
add('neg-ssn-advertising', 'the Woolworth wallet number', json(`{"ssn":"078-05-1120"}`));
add('neg-ssn-sample', 'the classic sample number', json(`{"ssn":"123-45-6789"}`));
add('neg-ssn-bare-no-context', 'nine bare digits without context are not an SSN', json(`{"zip":"941071234"}`));
add('neg-ssn-phone-context', 'a phone-shaped 3-2-4 under phone is not an SSN', json(`{"phone":"536-22-5492"}`));
add('neg-ssn-in-longer-number', 'an SSN shape inside a longer dashed number', text(`part 1-536-22-5492-7`));

// ---- email ---------------------------------------------------------------------------------------

add('email-json', 'email in JSON', json(`{"email":"⟦email@$.email|john.doe@example.com⟧"}`));
add('email-text', 'email in text', text(`Contact ⟦email|jane_smith+tag@mail.example.co.uk⟧ for help.`));
add('email-query-encoded', 'percent-encoded @ in a query', { query: 'user=⟦email@user|jo%40example.org⟧' });
add('email-form', 'email in a form body', form('email=⟦email@email|a.b%2Bc%40example.com⟧&x=1'));
add('email-xml-entity', 'XML entity inside an email', xml(`<user><mail>⟦email@/user/mail|jo&#46;smith@example.ie⟧</mail></user>`));
add('email-header', 'email in a From header', { headers: { From: 'Jo <⟦email|jo@example.com⟧>' } });
add('email-json-escaped-at', 'email with \\u0040 in JSON', json(`{"contact":"⟦email@$.contact|jo\\u0040example.com⟧"}`));
add('email-two', 'two emails in one string', json(`{"cc":"⟦email@$.cc|a@example.com⟧, ⟦email@$.cc|b@example.net⟧"}`));
add('email-sentence-end', 'an email ending a sentence', text(`Write to ⟦email|support@example.com⟧.`));
add('neg-email-no-tld', 'no TLD', text(`user@localhost is local`));
add('neg-email-version-tag', 'npm-style version tag', text(`install lodash@4.17.21 now`));
add('neg-email-scoped-package', 'scoped package name', text(`uses @types/node and @scope/pkg`));
add('neg-email-at-only', 'a lone at sign', text(`meet @ noon`));

// ---- phone ---------------------------------------------------------------------------------------

add('phone-e164', 'E.164 number', json(`{"phone":"⟦phone_number@$.phone|+14155552671⟧"}`));
add('phone-e164-uk', 'E.164 UK number', json(`{"mobile":"⟦phone_number@$.mobile|+447911123456⟧"}`));
add('phone-us-dashed', 'US number with dashes', text(`Call ⟦phone_number|415-555-2671⟧ today`));
add('phone-us-parens', 'US number with parentheses', text(`Tel: ⟦phone_number|(415) 555-2671⟧`));
add('phone-us-dots', 'US number with dots', json(`{"tel":"⟦phone_number@$.tel|415.555.2671⟧"}`));
add('phone-us-country', 'US number with country code', text(`phone ⟦phone_number|1-415-555-2671⟧`));
add('phone-intl-spaced', 'international spaced', json(`{"contact_number":"⟦phone_number@$.contact_number|+44 20 7946 0958⟧"}`));
add('phone-uk-national', 'UK national format', text(`ring ⟦phone_number|020 7946 0958⟧ please`));
add('phone-query', 'phone in a query', { query: 'msisdn=⟦phone_number@msisdn|%2B14155552671⟧' });
add('phone-xml', 'phone in XML', xml(`<contact><phone>⟦phone_number@/contact/phone|+33142685300⟧</phone></contact>`));
add('neg-phone-date', 'a date is not a phone', text(`on 2024-05-17 we met`));
add('neg-phone-version', 'a version is not a phone', text(`version 415.555.2671`));
add('neg-phone-bare-digits', 'ten bare digits are not a phone', json(`{"id":"4155552671"}`));
add('neg-phone-nanp-invalid', 'area code starting with 1', text(`call 155-555-2671`));
add('neg-phone-isbn', 'an ISBN is not a phone', text(`ISBN 978-3-16-148410-0`));

// ---- IBAN ----------------------------------------------------------------------------------------

add('iban-gb', 'UK IBAN', json(`{"iban":"⟦iban@$.iban|GB82WEST12345698765432⟧"}`));
add('iban-de', 'German IBAN', text(`IBAN ⟦iban|DE89370400440532013000⟧`));
add('iban-fr', 'French IBAN', json(`{"account":"⟦iban@$.account|FR1420041010050500013M02606⟧"}`));
add('iban-nl', 'Dutch IBAN', json(`{"bank":{"iban":"⟦iban@$.bank.iban|NL91ABNA0417164300⟧"}}`));
add('iban-spaced', 'IBAN in groups of four', text(`pay to ⟦iban|GB82 WEST 1234 5698 7654 32⟧ please`));
add('iban-form', 'IBAN in a form', form('iban=⟦iban@iban|DE89370400440532013000⟧'));
add('neg-iban-checksum', 'IBAN with a wrong check', json(`{"iban":"GB82WEST12345698765431"}`));
add('neg-iban-length', 'IBAN with the wrong length for its country', json(`{"iban":"DE8937040044053201300"}`));
add('neg-iban-unknown-country', 'unknown country code', json(`{"iban":"ZZ82WEST12345698765432"}`));

// ---- IPv4 ----------------------------------------------------------------------------------------

add('ipv4-header-xff', 'client IP in X-Forwarded-For', { headers: { 'X-Forwarded-For': '⟦ipv4|203.0.113.7⟧, ⟦ipv4|10.0.0.1⟧' } });
add('ipv4-json', 'IP in JSON', json(`{"client_ip":"⟦ipv4@$.client_ip|198.51.100.23⟧"}`));
add('ipv4-text', 'IP in a log line', text(`login from ⟦ipv4|192.168.1.20⟧ failed`));
add('ipv4-sentence-end-port', 'IP followed by a port', text(`connect ⟦ipv4|172.16.0.5⟧:8080`));
add('neg-ipv4-version', 'a four-part version', text(`version 1.2.3.4 released`));
add('neg-ipv4-octet', 'an octet over 255', json(`{"ip":"256.1.1.1"}`));
add('neg-ipv4-leading-zero', 'leading zeros', json(`{"ip":"192.168.01.1"}`));
add('neg-ipv4-five-parts', 'five dotted parts', text(`oid 1.3.6.1.4.1 and 10.0.0.1.5`));
add('neg-ipv4-zero-first', 'first octet zero', json(`{"mask":"0.0.0.0"}`));
add('neg-ipv4-user-agent', 'versions in a user agent', { headers: { 'User-Agent': 'Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36' } });

// ---- telecom -------------------------------------------------------------------------------------

add('imei-json', 'IMEI under imei', json(`{"imei":"⟦imei@$.imei|490154203237518⟧"}`));
add('imei-dashed', 'IMEI with dashes', text(`IMEI ⟦imei|49-015420-323751-8⟧`));
add('imei-device', 'IMEI under deviceImei', json(`{"device":{"deviceImei":"⟦imei@$.device.deviceImei|356938035643809⟧"}}`));
add('neg-imei-luhn', 'IMEI failing Luhn', json(`{"imei":"490154203237519"}`));
add('neg-imei-no-context', '15 Luhn-valid digits with no context are not an IMEI', json(`{"value":"490154203237518"}`));
add('imsi-json', 'IMSI under imsi', json(`{"imsi":"⟦imsi@$.imsi|310150123456789⟧"}`));
add('imsi-text', 'IMSI after the keyword', text(`subscriber IMSI ⟦imsi|234150999999999⟧ attached`));
add('neg-imsi-mcc', 'implausible MCC', json(`{"imsi":"910150123456789"}`));
add('neg-imsi-no-context', '15 digits without context', json(`{"n":"310150123456789"}`));
const ICCID = luhn('894450010219830482');
add('iccid-json', 'ICCID under iccid', json(`{"iccid":"⟦iccid@$.iccid|${ICCID}⟧"}`));
add('iccid-text', 'ICCID in text', text(`SIM ⟦iccid|${luhn('8901260882310000000')}⟧ activated`));
add('neg-iccid-luhn', 'ICCID failing Luhn', json(`{"iccid":"${notLuhn('894450010219830482')}"}`));
add('neg-iccid-prefix', 'a 19-digit number not starting 89', json(`{"sim":"${luhn('794450010219830482')}"}`));

// ---- credentials ---------------------------------------------------------------------------------

const JWT = jwt({ sub: '1234567890', name: 'John Doe', iat: 1516239022 });
add('jwt-bearer-header', 'JWT in Authorization: Bearer', { headers: { Authorization: `Bearer ⟦jwt|${JWT}⟧` } });
add('jwt-json', 'JWT in JSON', json(`{"id_token":"⟦jwt@$.id_token|${JWT}⟧"}`));
add('jwt-query', 'JWT in a query', { query: `token=⟦jwt@token|${JWT}⟧` });
add('jwt-cookie', 'JWT in a cookie', { headers: { Cookie: `session=⟦jwt|${JWT}⟧; theme=dark` } });
add('jwt-unsigned', 'unsigned JWT (alg none) with an empty signature', text(`t=⟦jwt|${b64url('{"alg":"none"}')}.${b64url('{"sub":"x1"}')}.⟧ end`));
add('neg-jwt-bad-header', 'eyJ segments whose header has no alg', text(`${b64url('{"typ":"JWT","x":1}')}.${b64url('{"sub":"1"}')}.abcdefghijklmnop`));
add('neg-jwt-two-segments', 'two segments only', text(`eyJhbGciOiJIUzI1NiJ9 eyJzdWIiOiIxIn0`));

add('aws-key-id-json', 'AWS access key id', json(`{"aws_access_key_id":"⟦aws_access_key_id@$.aws_access_key_id|AKIAIOSFODNN7EXAMPLE⟧"}`));
add('aws-key-id-text', 'AWS access key id in a config file', text(`[default]\naws_access_key_id = ⟦aws_access_key_id|AKIAI44QH8DHBEXAMPLE⟧\n`));
add('aws-key-id-asia', 'temporary AWS key id', json(`{"AccessKeyId":"⟦aws_access_key_id@$.AccessKeyId|ASIAJEXAMPLEXEG2JICEA⟧"}`.replace('ASIAJEXAMPLEXEG2JICEA', 'ASIAJEXAMPLEXEG2JICE')));
add('aws-secret-json', 'AWS secret key under its key', json(`{"aws_secret_access_key":"⟦aws_secret_access_key@$.aws_secret_access_key|wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY⟧"}`));
add('aws-secret-text', 'AWS secret key in a config file', text(`aws_secret_access_key = ⟦aws_secret_access_key|je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY⟧`));
add('neg-aws-key-id-short', 'too short for a key id', text(`AKIAIOSFODNN7EXAM`));
add('neg-aws-key-id-lower', 'lower case is not a key id', text(`akiaiosfodnn7example`));
add('neg-aws-secret-no-context', '40 base64 characters without context', json(`{"checksum":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`));

const GHP = 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A'.slice(0, 36);
add('github-pat-classic', 'classic GitHub token', json(`{"token":"⟦github_token@$.token|${GHP}⟧"}`));
add('github-token-text', 'GitHub token in text', text(`export GITHUB_TOKEN=⟦github_token|${GHP.replace('ghp_', 'gho_')}⟧`));
add('github-fine-grained', 'fine-grained GitHub token', text(`token ⟦github_token|github_pat_11ABCDEFG0${'a1B2c3D4e5'.repeat(6)}xyz⟧ end`));
add('neg-github-short', 'too short for a GitHub token', text(`ghp_abc123`));

add('slack-bot-token', 'Slack bot token', json(`{"slack_token":"⟦slack_token@$.slack_token|xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx⟧"}`));
add('slack-user-token', 'Slack user token in text', text(`SLACK=⟦slack_token|xoxp-9876543210-9876543210-1234567890-abcdef0123456789abcdef0123456789⟧`));
add('slack-webhook', 'Slack webhook URL', json(`{"webhook":"⟦slack_webhook@$.webhook|https://hooks.slack.com/services/T0AB1CD2E/B0FG3HI4J/abcdefghijklmnopqrstuvwx⟧"}`));
add('neg-slack-prefix-only', 'xoxb without a body', text(`xoxb- is the prefix`));

add('stripe-secret-live', 'Stripe live secret key', text(`key=⟦stripe_key|sk_live_4eC39HqLyjWDarjtT1zdp7dc⟧`));
add('stripe-secret-test', 'Stripe test secret key in JSON', json(`{"stripe":"⟦stripe_key@$.stripe|sk_test_51H8xYzAbCdEfGhIjKlMnOpQr⟧"}`));
add('stripe-restricted', 'Stripe restricted key', text(`⟦stripe_key|rk_live_0123456789abcdefABCDEF12⟧`));
add('neg-stripe-publishable', 'publishable keys are public', text(`pk_live_4eC39HqLyjWDarjtT1zdp7dc`));

add('google-api-key', 'Google API key in a query', { query: `key=⟦google_api_key@key|AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe⟧` });
add('google-api-key-json', 'Google API key in JSON', json(`{"maps":{"apiKey":"⟦google_api_key@$.maps.apiKey|AIzaSyA1234567890abcdefghijklmnopqrstuv⟧"}}`));
add('neg-google-short', 'AIza prefix too short', text(`AIzaSyShort`));

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naFDrBz9vFqU4yr7pRoT1hGBdNaqL9DBmkYvs4gkVv4TqXB3XUKTZWKqcG4jN0Lqn\n-----END RSA PRIVATE KEY-----';
add('pem-rsa-text', 'PEM RSA private key in text', text(`key:\n⟦pem_private_key|${PEM}⟧\n`));
add('pem-json-escaped', 'PEM key in JSON with \\n escapes', json(`{"private_key":"⟦pem_private_key@$.private_key|${PEM.replace(/\n/g, '\\n')}⟧"}`));
add('pem-pkcs8', 'PKCS#8 private key', text(`⟦pem_private_key|-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----⟧`));
add('neg-pem-public', 'a public key is not secret', text(`-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----`));
add('neg-pem-certificate', 'a certificate is not secret', text(`-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----`));
add('neg-pem-unterminated', 'a private key header without its end line', text(`-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn`));

add('basic-auth-header', 'HTTP Basic credentials', { headers: { Authorization: `⟦http_basic_auth|Basic ${basic('alice:s3cr3t!')}⟧` } });
add('basic-auth-lowercase', 'lower-case scheme', { headers: { authorization: `⟦http_basic_auth|basic ${basic('svc-user:P@ssw0rd')}⟧` } });
add('basic-auth-in-text', 'Basic credentials in a logged request', text(`GET / HTTP/1.1\nAuthorization: ⟦http_basic_auth|Basic ${basic('bob:hunter2')}⟧\n`));
add('neg-basic-no-password', 'Basic with an empty password', { headers: { Authorization: `Basic ${basic('alice:')}` } });
add('neg-basic-no-colon', 'Basic without user:password', { headers: { Authorization: `Basic ${basic('justatoken')}` } });
add('neg-basic-not-base64', 'Basic followed by a word', text(`basic authentication is disabled`));

add('url-password-postgres', 'password in a PostgreSQL URL', json(`{"database_url":"⟦url_password@$.database_url|postgres://app:Sup3rS3cret@⟧db.internal:5432/app"}`));
add('url-password-redis', 'password in a Redis URL in text', text(`REDIS_URL=⟦url_password|redis://default:pa55word@⟧cache:6379/0`));
add('url-password-amqp', 'password in an AMQP URL', text(`broker ⟦url_password|amqps://guest:gu3st-pw@⟧mq.example.com/vhost`));
add('url-no-password-is-email', 'user without password: no url_password, the user@host part reads as an email', text(`https://⟦email|user@example.com⟧/path`));
add('neg-url-port', 'host and port are not credentials', text(`http://example.com:8080/path`));

add('bearer-opaque-header', 'opaque bearer token', { headers: { Authorization: `⟦bearer_token|Bearer 8f14e45fceea167a5a36dedd4bea2543aB⟧` } });
add('bearer-in-text', 'bearer token in a log', text(`sent Authorization: ⟦bearer_token|Bearer Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==⟧ upstream`));
add('neg-bearer-low-entropy', 'a repetitive bearer value', { headers: { Authorization: 'Bearer aaaaaaaaaaaaaaaaaaaaaaaa' } });
add('neg-bearer-short', 'a short bearer value', { headers: { Authorization: 'Bearer abc123' } });

add('api-key-header', 'API key in x-api-key', { headers: { 'X-Api-Key': '⟦generic_api_key|9f8e7d6c5b4a39281706f5e4d3c2b1a0⟧' } });
add('api-key-json', 'API key in JSON', json(`{"api_key":"⟦generic_api_key@$.api_key|Qx7vT2mK9pL4wZ8nR3sY6bJ1⟧"}`));
add('client-secret-form', 'client secret in an OAuth form', form('grant_type=client_credentials&client_id=my-app&client_secret=⟦generic_api_key@client_secret|Zk3Lm9Qp2Rs8Tv4Wx7Yz1Ab5Cd⟧'));
add('access-token-json', 'access token in a token response', { ...json(`{"access_token":"⟦generic_api_key@$.access_token|2YotnFZFEjr1zCsicMWpAA9f8e7d⟧","token_type":"bearer","expires_in":3600}`), kind: 'response' });
add('api-key-query', 'API key in a query', { query: 'apikey=⟦generic_api_key@apikey|c0ffee4d2b8a91e7f3a6b5c4d3e2f1a0⟧&q=x' });
add('neg-api-key-uuid-id', 'a UUID under id', json(`{"id":"3f2504e0-4f89-11d3-9a0c-0305e82c3301"}`));
add('neg-api-key-page-token', 'a pagination token', json(`{"nextPageToken":"Cg4KDGFiY2RlZmdoaWprbBIECgJ4eQ"}`));
add('neg-api-key-low-entropy', 'a low-entropy api key placeholder', json(`{"api_key":"xxxxxxxxxxxxxxxxxxxxxxxx"}`));
add('neg-api-key-token-type', 'token_type is not a secret', json(`{"token_type":"Bearer-Extended-Type"}`));
add('neg-api-key-hash', 'a commit hash in text', text(`commit 9fceb02d0ae598e95dc970b74767f19372d61af8 merged`));

add('password-json', 'password field in JSON', json(`{"username":"jo","password":"⟦password@$.password|correct horse battery⟧"}`));
add('password-form', 'password in a login form', form('username=jo&password=⟦password@password|S3cr3t%21pass⟧'));
add('password-query', 'password in a query string', { query: 'user=jo&pwd=⟦password@pwd|hunter22⟧' });
add('password-xml', 'password in XML', xml(`<login><user>jo</user><password>⟦password@/login/password|Tr0ub4dor&amp;3⟧</password></login>`));
add('password-camel', 'password under newPassword', json(`{"oldPassword":"⟦password@$.oldPassword|winter2023⟧","newPassword":"⟦password@$.newPassword|Summer2024!⟧"}`));
add('password-nested', 'password under db.password', json(`{"db":{"host":"db1","password":"⟦password@$.db.password|p4ss-w0rd⟧"}}`));
add('neg-password-masked', 'a masked password', json(`{"password":"********"}`));
add('neg-password-policy', 'password policy text', json(`{"password_policy":"at least 12 characters"}`));
add('neg-password-hint', 'password hint', json(`{"passwordHint":"first pet"}`));
add('neg-password-expires', 'password expiry date', json(`{"passwordExpiresAt":"2025-01-01T00:00:00Z"}`));
add('neg-password-bool', 'a boolean under password', json(`{"password":true,"passport":null}`));
add('neg-password-short', 'two characters are too short', json(`{"password":"ab"}`));
add('neg-password-bypass', 'bypass is not pass', json(`{"bypass":"enabled-for-admins"}`));

// ---- dates, passports, licences ------------------------------------------------------------------

add('dob-iso', 'date of birth ISO', json(`{"dob":"⟦date_of_birth@$.dob|1985-07-14⟧"}`));
add('dob-us', 'date of birth US order', json(`{"birthDate":"⟦date_of_birth@$.birthDate|07/14/1985⟧"}`));
add('dob-eu', 'date of birth day first', json(`{"date_of_birth":"⟦date_of_birth@$.date_of_birth|31.12.1979⟧"}`));
add('dob-text', 'born on in text', text(`Jo was born on ⟦date_of_birth|1990-02-28⟧ in Leeds.`));
add('dob-form', 'dob in a form', form('name=Jo&dob=⟦date_of_birth@dob|1972-03-09⟧'));
add('dob-leap', '29 February of a leap year', json(`{"birthday":"⟦date_of_birth@$.birthday|2000-02-29⟧"}`));
add('neg-dob-created-at', 'a creation date is not a birth date', json(`{"createdAt":"2019-05-04"}`));
add('neg-dob-invalid-day', 'February 30 does not exist', json(`{"dob":"1990-02-30"}`));
add('neg-dob-not-leap', '29 February of a common year', json(`{"dob":"1999-02-29"}`));
add('neg-dob-future', 'a date after 2025', json(`{"dob":"2090-01-01"}`));
add('neg-dob-timestamp', 'a timestamp under birth', json(`{"birth":"1990-01-01T10:00:00Z"}`));

add('passport-json', 'US passport number', json(`{"passport_number":"⟦us_passport@$.passport_number|A12345678⟧"}`));
add('passport-digits', 'old nine-digit passport', text(`passport no. ⟦us_passport|912345678⟧ issued`));
add('neg-passport-no-context', 'a letter and 8 digits without context', json(`{"sku":"A12345678"}`));
add('dl-json', "driver's licence number", json(`{"driversLicense":"⟦us_drivers_license@$.driversLicense|D1234567⟧"}`));
add('dl-florida', 'Florida format', json(`{"dl_number":"⟦us_drivers_license@$.dl_number|S530-460-56-215-0⟧"}`));
add('dl-text', 'licence in text', text(`Driver license ⟦us_drivers_license|W12345678⟧ verified`));
add('neg-dl-software-license', 'a software license key', json(`{"license_key":"X12345678"}`));

// ---- stack traces --------------------------------------------------------------------------------

const JAVA = 'java.lang.NullPointerException: Cannot invoke "String.length()"\n\tat com.acme.orders.OrderService.total(OrderService.java:42)\n\tat com.acme.orders.OrderController.get(OrderController.java:17)\n\t... 23 more';
add('trace-java-text', 'Java stack trace', { ...text(`ERROR 500\n⟦stack_trace|${JAVA}⟧\n`), kind: 'response' });
add('trace-java-json', 'Java stack trace in a JSON error', { ...json(`{"error":"internal","trace":"⟦stack_trace@$.trace|${JAVA.replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/"/g, '\\"')}⟧"}`), kind: 'response' });
add('trace-java-caused-by', 'Java trace with a cause', text(`⟦stack_trace|org.springframework.web.util.NestedServletException: Request processing failed\n\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)\nCaused by: java.sql.SQLException: Connection refused\n\tat org.postgresql.Driver.connect(Driver.java:285)⟧`));
const PY = 'Traceback (most recent call last):\n  File "/app/main.py", line 12, in <module>\n    main()\n  File "/app/main.py", line 8, in main\n    1 / 0\nZeroDivisionError: division by zero';
add('trace-python', 'Python traceback', { ...text(`⟦stack_trace|${PY}⟧\n`), kind: 'response' });
const NODE = "TypeError: Cannot read properties of undefined (reading 'id')\n    at getUser (/srv/app/users.js:10:15)\n    at Layer.handle [as handle_request] (/srv/node_modules/express/lib/router/layer.js:95:5)\n    at /srv/app/index.js:22:3";
add('trace-node', 'Node.js stack trace', { ...text(`⟦stack_trace|${NODE}⟧`), kind: 'response' });
const DOTNET = 'System.NullReferenceException: Object reference not set to an instance of an object.\n   at Acme.Api.Controllers.UsersController.Get(Int32 id) in C:\\src\\Api\\UsersController.cs:line 27\n   at lambda_method(Closure , Object , Object[] )';
add('trace-dotnet', '.NET stack trace', { ...text(`⟦stack_trace|${DOTNET}⟧`), kind: 'response' });
const GO = 'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.handler(0xc000010000)\n\t/app/main.go:14 +0x1d\nmain.main()\n\t/app/main.go:20 +0x25';
add('trace-go', 'Go panic', { ...text(`⟦stack_trace|${GO}⟧\nexit status 2`), kind: 'response' });
add('neg-trace-word-error', 'the word Error alone', text(`Error: invalid input`));
add('neg-trace-exception-name', 'an exception name without frames', json(`{"type":"java.lang.IllegalArgumentException","message":"bad id"}`));
add('neg-trace-at-sign-text', 'prose with "at"', text(`Meet me\n  at the station (north exit)`));

// ---- decoding, structure and robustness ----------------------------------------------------------

add('decode-json-surrogate-pair', 'emoji escape before a card keeps byte offsets', json(`{"note":"\\ud83d\\ude00 paid","card":"⟦credit_card@$.card|4111111111111111⟧"}`));
add('decode-json-lone-surrogate', 'a lone surrogate escape does not break the walk', json(`{"x":"\\ud800","email":"⟦email@$.email|a@example.com⟧"}`));
add('decode-json-escaped-quote-key', 'escaped quote in a member name gives bracket notation', json(`{"we\\"ird":"⟦email@$['we"ird']|a@example.com⟧"}`));
add('decode-json-bad-escape', 'an invalid escape is kept as a backslash (and the letter after it is text)', json(`{"email":"\\⟦email@$.email|qa@example.com⟧"}`));
add('decode-json-key-with-space', 'member names with spaces use brackets', json(`{"e mail":"⟦email@$['e mail']|a@example.com⟧"}`));
add('decode-percent-invalid', 'an invalid percent escape is literal', { query: 'x=%zz&email=⟦email@email|a@example.com⟧' });
add('decode-xml-cdata', 'CDATA content is scanned raw', xml(`<msg><![CDATA[⟦email@/msg|a@example.com⟧]]></msg>`));
add('decode-xml-numeric-entities', 'numeric entities in an SSN', xml(`<p><ssn>⟦us_ssn@/p/ssn|536&#45;22&#x2d;5492⟧</ssn></p>`));
add('decode-xml-namespace', 'namespaced elements use the local name as key', xml(`<s:Envelope xmlns:s="urn:x"><s:Body><ns:ssn>⟦us_ssn@/s:Envelope/s:Body/ns:ssn|536-22-5492⟧</ns:ssn></s:Body></s:Envelope>`));
add('decode-xml-comment-skipped', 'comments are not scanned', xml(`<a><!-- 4111111111111111 --><b>ok</b></a>`));
add('struct-json-truncated-string', 'a truncated body still yields the value', json(`{"email":"⟦email@$.email|jo@example.com⟧`));
add('struct-json-garbage-after', 'garbage after the document', json(`{"a":1} trailing ⟦email@$|x@example.com⟧`.replace('⟦email@$|x@example.com⟧', 'x@example.com')));
add('struct-json-deep', 'deep nesting keeps paths', json(`{"a":{"b":{"c":{"d":[{"e":"⟦email@$.a.b.c.d[0].e|a@example.com⟧"}]}}}}`));
add('struct-json-array-index', 'array indexes advance on commas', json(`[1,2,{"x":"⟦email@$[2].x|a@example.com⟧"}]`));
add('struct-json-top-level-string', 'a body starting with a quote is text, not JSON', json(`"⟦email|a@example.com⟧"`));
add('struct-text-starting-with-bracket', 'a text/plain body starting with [ is text', text(`[default]\naws_access_key_id = ⟦aws_access_key_id|AKIAI44QH8DHBEXAMPLE⟧\n`));
add('struct-html-as-text', 'HTML is scanned as text', { body: `<html><body>Mail ⟦email|a@example.com⟧</body></html>`, contentType: 'text/html' });
add('struct-xml-attr-single-quotes', 'single-quoted attribute', xml(`<u mail='⟦email@/u/@mail|a@example.com⟧'/>`));
add('struct-form-no-value', 'parameters without values', form('a&b=&email=⟦email@email|a@example.com⟧'));
add('struct-query-no-name', 'a query part without =', { query: '⟦email|a@example.com⟧' });
add('struct-multi-field', 'findings in header, query and body keep field order', {
  headers: { 'X-User': '⟦email|h@example.com⟧' },
  query: 'e=⟦email@e|q@example.com⟧',
  body: `{"e":"⟦email@$.e|b@example.com⟧"}`,
  contentType: 'application/json',
});
add('struct-empty', 'an empty message', {});
add('neg-clean-json', 'an ordinary JSON document', json(`{"id":"c9b1d3a0-5e4f-4a2b-9c8d-7e6f5a4b3c2d","status":"shipped","items":[{"sku":"SKU-1234","qty":2,"price":19.99}],"updatedAt":"2024-05-17T10:20:30Z","version":"1.4.2"}`));
add('neg-clean-text', 'ordinary prose', text(`The quick brown fox jumps over the lazy dog. Version 2.0 is out; call us maybe.`));
add('neg-clean-numbers', 'numbers that are not identifiers', json(`{"lat":51.5074,"lon":-0.1278,"amount":1234567.89,"count":42}`));

// ---- overlaps ------------------------------------------------------------------------------------

add('overlap-jwt-over-bearer', 'a JWT bearer is reported as jwt, not bearer_token', { headers: { Authorization: `Bearer ⟦jwt|${JWT}⟧` } });
add('overlap-amex-vs-imei', 'a 15-digit Luhn amex under card is a card', json(`{"card":"⟦credit_card@$.card|378282246310005⟧"}`));
add('overlap-imei-under-imei', 'an amex-shaped IMEI under imei is an IMEI', json(`{"imei":"⟦imei@$.imei|${luhn('37828224631000')}⟧"}`));
add('overlap-trace-swallows-ip', 'a stack trace containing an IP is one finding', text(`⟦stack_trace|java.net.ConnectException: Connection refused to 10.0.0.12\n\tat java.net.Socket.connect(Socket.java:609)⟧`));

// ---- write ---------------------------------------------------------------------------------------

const names = new Set<string>();
for (const v of vectors) {
  if (names.has(v.name)) throw new Error(`duplicate vector name ${v.name}`);
  names.add(v.name);
}
mkdirSync(here, { recursive: true });
for (const f of readdirSync(here)) if (f.endsWith('.json')) rmSync(join(here, f));
for (const v of vectors) writeFileSync(join(here, `${v.name}.json`), JSON.stringify(v, null, 2) + '\n');
console.log(`${vectors.length} vectors written to ${here}`);
