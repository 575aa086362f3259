// Writes test/corpus/detect-corpus.jsonl: labelled, realistic API messages for the detection
// quality report (scripts/eval-detect.ts). `npx tsx test/corpus/build-corpus.ts`.
//
// Each message is built from a template of the kind an API really carries (profiles, payments,
// SOAP, CSV exports, CDRs, token responses, error pages, logins, logs) filled with seeded random
// values, sensitive ones marked ⟦type|value⟧ so the labels come from construction. Templates also
// carry the look-alikes that cause false alarms: order and tracking numbers, versions, UUIDs,
// hashes, timestamps, prices, coordinates, ISBNs, masked values. One JSON object per line:
// { "id", "template", "input": {kind, headers, query, body, contentType}, "labels": [{type, field, start, end}] }
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from './seeded-random.ts';

const here = dirname(fileURLToPath(import.meta.url));
const COUNT_PER_TEMPLATE = 14;

// ---- seeded randomness ---------------------------------------------------------------------------

const { int, pick, digits, chars } = seededRandom(0x5eed1234);
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPERNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';
const B64 = ALNUM + '+/';

// ---- values --------------------------------------------------------------------------------------

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

function card(): string {
  const [prefix, len] = pick<[string, number]>([
    ['4', 16],
    ['4', 16],
    ['51', 16],
    ['55', 16],
    ['2221', 16],
    ['34', 15],
    ['37', 15],
    ['6011', 16],
    ['3530', 16],
    ['36', 14],
  ]);
  return luhn(prefix + digits(len - prefix.length - 1));
}
function cardFormatted(): string {
  const c = card();
  if (c.length !== 16) return c;
  const sep = pick(['', ' ', '-']);
  return sep ? c.match(/.{4}/g)!.join(sep) : c;
}
function ssn(): string {
  let area = int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(int(1, 99)).padStart(2, '0')}-${String(int(1, 9999)).padStart(4, '0')}`;
}
const FIRST = ['john', 'maria', 'li', 'fatima', 'olga', 'pierre', 'aiko', 'kwame', 'sofia', 'raj', 'emma', 'jose'];
const LAST = ['smith', 'garcia', 'chen', 'khan', 'ivanova', 'dubois', 'tanaka', 'mensah', 'rossi', 'patel', 'muller', 'silva'];
const DOMAINS = ['example.com', 'mail.example.org', 'corp.example.net', 'example.co.uk', 'inbox.example.io'];
const email = () => `${pick(FIRST)}${pick(['.', '_', '', '+news.'])}${pick(LAST)}${pick(['', String(int(1, 99))])}@${pick(DOMAINS)}`;
const name = () => `${pick(FIRST)[0]!.toUpperCase()}${pick(FIRST).slice(1)} ${pick(LAST)[0]!.toUpperCase()}${pick(LAST).slice(1)}`;
function phone(): string {
  const a = int(2, 9) * 100 + int(0, 99);
  const b = int(2, 9) * 100 + int(0, 99);
  const c = digits(4);
  return pick([`+1${a}${b}${c}`, `(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `+44 20 ${digits(4)} ${digits(4)}`, `+49 30 ${digits(4)} ${digits(4)}`, `+33${int(1, 9)}${digits(8)}`]);
}
function iban(): string {
  const [cc, bban] = pick<[string, () => string]>([
    ['GB', () => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4) + digits(14)],
    ['DE', () => digits(18)],
    ['FR', () => digits(10) + chars(UPPERNUM, 11) + digits(2)],
    ['NL', () => chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4) + digits(10)],
    ['ES', () => digits(20)],
  ]);
  const b = bban();
  const numeric = (b + cc + '00').replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return cc + String(98 - rem).padStart(2, '0') + b;
}
const ipv4 = () => pick([`203.0.113.${int(1, 254)}`, `198.51.100.${int(1, 254)}`, `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`, `192.168.${int(0, 255)}.${int(1, 254)}`, `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`]);
const imei = () => luhn(pick(['35', '49', '86', '01']) + digits(12));
const imsi = () => pick(['310', '234', '262', '208', '460']) + digits(12);
const iccid = () => luhn('89' + pick(['01', '44', '49', '33']) + digits(14));
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const jwt = () =>
  `${b64url(JSON.stringify({ alg: pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: digits(8), iat: 1700000000 + int(0, 9999999), scope: 'read write' }))}.${chars(ALNUM + '-_', 43)}`;
const awsKeyId = () => pick(['AKIA', 'ASIA']) + chars(UPPERNUM, 16);
const awsSecret = () => chars(B64, 40);
const githubToken = () => pick(['ghp_', 'gho_', 'ghs_']) + chars(ALNUM, 36);
const slackToken = () => `xox${pick(['b', 'p'])}-${digits(11)}-${digits(12)}-${chars(ALNUM, 24)}`;
const slackWebhook = () => `https://hooks.slack.com/services/T${chars(UPPERNUM, 8)}/B${chars(UPPERNUM, 10)}/${chars(ALNUM, 24)}`;
const stripeKey = () => `${pick(['sk', 'rk'])}_${pick(['live', 'test'])}_${chars(ALNUM, 24)}`;
const googleKey = () => 'AIza' + chars(ALNUM + '-_', 35);
function pemKey(nl: string): string {
  const kind = pick(['RSA ', 'EC ', '']);
  return `-----BEGIN ${kind}PRIVATE KEY-----${nl}${chars(B64, 64)}${nl}${chars(B64, 64)}${nl}${chars(B64, 40)}==${nl}-----END ${kind}PRIVATE KEY-----`;
}
const apiKey = () => chars(ALNUM, 32);
const password = () => pick(['Winter2024!', 'hunter2-hunter2', 'correct horse battery staple', 'P@ssw0rd#19', 'qwerty!9876', 'Tr0ub4dor&3', 's3cr3t-' + chars(ALNUM, 6)]);
const dob = () => {
  const y = int(1940, 2005);
  const m = int(1, 12);
  const d = int(1, 28);
  return pick([`${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, `${String(m).padStart(2, '0')}/${String(d).padStart(2, '0')}/${y}`]);
};
const passport = () => pick([chars('ABCDEFGHJKLMNPRSTUVWXYZ', 1) + digits(8), String(int(1, 9)) + digits(8)]);
const driversLicense = () => pick([chars('ABCDEFGHJKLMNPRSTUVWXYZ', 1) + digits(7), chars('ABCDEFGHJKLMNPRSTUVWXYZ', 1) + digits(12), digits(9).replace(/^0/, '1')]);
const basic = () => Buffer.from(`${pick(FIRST)}:${password()}`).toString('base64');

// look-alikes
const uuid = () => `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-a${chars(HEX, 3)}-${chars(HEX, 12)}`;
const orderId = () => digits(16);
const tracking = () => `1Z${chars(UPPERNUM, 16)}`;
const version = () => `${int(1, 9)}.${int(0, 20)}.${int(0, 99)}`;
const sha = () => chars(HEX, 40);
const isoTime = () => `20${int(18, 25)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00Z`;
const price = () => `${int(1, 999)}.${String(int(0, 99)).padStart(2, '0')}`;
const L = (type: string, value: string) => `⟦${type}|${value}⟧`;

// ---- stack traces --------------------------------------------------------------------------------

const javaTrace = (nl: string, tab: string) =>
  `${pick(['java.lang.NullPointerException', 'java.lang.IllegalStateException', 'org.hibernate.exception.SQLGrammarException'])}: ${pick(['null', 'could not execute statement', 'Order not found'])}${nl}${tab}at com.acme.${pick(['orders', 'billing', 'users'])}.Service.handle(Service.java:${int(10, 400)})${nl}${tab}at com.acme.web.Controller.get(Controller.java:${int(10, 200)})${nl}${tab}at java.base/java.lang.Thread.run(Thread.java:833)`;
const pythonTrace = (nl: string) =>
  `Traceback (most recent call last):${nl}  File "/srv/app/views.py", line ${int(10, 300)}, in handler${nl}    return compute(data)${nl}${pick(['KeyError', 'ValueError', 'ZeroDivisionError'])}: ${pick(["'user_id'", 'invalid literal', 'division by zero'])}`;
const nodeTrace = (nl: string) =>
  `${pick(['TypeError', 'RangeError', 'Error'])}: ${pick(["Cannot read properties of undefined (reading 'id')", 'Invalid array length', 'connect ECONNREFUSED'])}${nl}    at handler (/srv/app/routes/users.js:${int(1, 99)}:${int(1, 40)})${nl}    at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)`;
const dotnetTrace = (nl: string) =>
  `System.InvalidOperationException: Sequence contains no elements${nl}   at System.Linq.ThrowHelper.ThrowNoElementsException()${nl}   at Acme.Api.OrdersController.Get(Int32 id) in /src/Api/OrdersController.cs:line ${int(10, 99)}`;
const goTrace = (nl: string) =>
  `panic: runtime error: invalid memory address or nil pointer dereference${nl}${nl}goroutine ${int(1, 90)} [running]:${nl}main.(*Server).handle(0xc0000a4000)${nl}\t/app/server.go:${int(10, 300)} +0x${chars(HEX, 2)}${nl}main.main()${nl}\t/app/main.go:${int(5, 50)} +0x${chars(HEX, 2)}`;
const jsonEsc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/"/g, '\\"');

// ---- templates -----------------------------------------------------------------------------------

interface Message {
  kind: 'request' | 'response';
  headers?: Record<string, string>;
  query?: string;
  body?: string;
  contentType?: string;
}

const TEMPLATES: Record<string, () => Message> = {
  'profile-json': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: JSON.stringify({ id: 'ID1', name: name(), email: 'EMAIL', phone: 'PHONE', dob: 'DOB', createdAt: isoTime(), version: version() })
      .replace('"ID1"', `"${uuid()}"`)
      .replace('EMAIL', L('email', email()))
      .replace('PHONE', L('phone_number', phone()))
      .replace('DOB', L('date_of_birth', dob())),
  }),
  'payment-request': () => ({
    kind: 'request',
    contentType: 'application/json',
    headers: { authorization: `Bearer ${L('jwt', jwt())}`, 'x-request-id': uuid() },
    body: `{"orderId":"${orderId()}","amount":${price()},"currency":"EUR","card":{"number":"${L('credit_card', cardFormatted())}","expiry":"0${int(1, 9)}/2${int(6, 9)}","holder":"${name()}"},"billing":{"email":"${L('email', email())}"}}`,
  }),
  'order-lookalikes': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"order_id":"${luhn('4' + digits(14))}","tracking_number":"${tracking()}","invoice":"INV-${digits(8)}","sku":"SKU-${digits(6)}","isbn":"978-${int(0, 9)}-${digits(2)}-${digits(6)}-${int(0, 9)}","lat":${int(-80, 80)}.${digits(6)},"lng":${int(-170, 170)}.${digits(6)},"total":${price()},"etag":"${sha()}","updatedAt":"${isoTime()}","build":"${version()}.${int(1, 999)}"}`,
  }),
  'masked-values': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"card":"************${digits(4)}","ssn":"***-**-${digits(4)}","phone":"(***) ***-${digits(4)}","password":"********","iban":"GB** **** **** **** ${digits(4)} ${digits(2)}"}`,
  }),
  'signup-form': () => ({
    kind: 'request',
    contentType: 'application/x-www-form-urlencoded',
    body: `username=${pick(FIRST)}${int(1, 99)}&email=${L('email', encodeURIComponent(email()))}&password=${L('password', encodeURIComponent(password()))}&newsletter=on`,
  }),
  'oauth-token-response': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"access_token":"${L('generic_api_key', chars(ALNUM, 40))}","token_type":"Bearer","expires_in":3600,"refresh_token":"${L('generic_api_key', chars(ALNUM, 48))}","id_token":"${L('jwt', jwt())}"}`,
  }),
  'client-credentials': () => ({
    kind: 'request',
    contentType: 'application/x-www-form-urlencoded',
    headers: { authorization: L('http_basic_auth', `Basic ${basic()}`) },
    body: `grant_type=client_credentials&client_id=svc-${pick(LAST)}&client_secret=${L('generic_api_key', apiKey())}&scope=read`,
  }),
  'api-key-query': () => ({
    kind: 'request',
    query: `q=${pick(['coffee', 'hotels+in+paris', 'weather'])}&key=${L('google_api_key', googleKey())}&page=${int(1, 9)}`,
    headers: { 'x-api-key': L('generic_api_key', apiKey()), 'user-agent': `Mozilla/5.0 (X11; Linux x86_64) Chrome/${int(100, 130)}.0.${int(1000, 6999)}.${int(10, 200)} Safari/537.36` },
  }),
  'ci-secrets-leak': () => ({
    kind: 'response',
    contentType: 'text/plain',
    body: `export AWS_ACCESS_KEY_ID=${L('aws_access_key_id', awsKeyId())}\nexport AWS_SECRET_ACCESS_KEY=${L('aws_secret_access_key', awsSecret())}\nexport GITHUB_TOKEN=${L('github_token', githubToken())}\nexport STRIPE_KEY=${L('stripe_key', stripeKey())}\nexport GIT_SHA=${sha()}\n`,
  }),
  'integration-config': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"slack":{"webhook":"${L('slack_webhook', slackWebhook())}","botToken":"${L('slack_token', slackToken())}"},"database_url":"${L('url_password', `postgres://app:${chars(ALNUM, 12)}@`)}db.internal:5432/app","region":"eu-west-1","release":"${version()}"}`,
  }),
  'service-account-key': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"type":"service_account","project_id":"acme-${digits(4)}","private_key_id":"${sha()}","private_key":"${L('pem_private_key', jsonEsc(pemKey('\n')))}","client_email":"${L('email', `svc-${digits(3)}@acme-${digits(4)}.iam.example.com`)}"}`,
  }),
  'customer-xml-soap': () => ({
    kind: 'response',
    contentType: 'text/xml; charset=utf-8',
    body: `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetCustomerResponse><Customer id="${digits(7)}"><Name>${name()}</Name><SSN>${L('us_ssn', ssn())}</SSN><Email>${L('email', email())}</Email><IBAN>${L('iban', iban())}</IBAN><DriversLicense>${L('us_drivers_license', driversLicense())}</DriversLicense><Updated>${isoTime()}</Updated></Customer></GetCustomerResponse></soap:Body></soap:Envelope>`,
  }),
  'kyc-json': () => ({
    kind: 'request',
    contentType: 'application/json',
    body: `{"applicant":{"fullName":"${name()}","dateOfBirth":"${L('date_of_birth', dob())}","ssn":"${L('us_ssn', ssn().replace(/-/g, pick(['-', ''])))}","passportNumber":"${L('us_passport', passport())}","address":{"zip":"${digits(5)}-${digits(4)}","country":"US"}},"reference":"REF-${digits(10)}"}`,
  }),
  'telecom-cdr-csv': () => ({
    kind: 'response',
    contentType: 'text/csv',
    body: `call_id,start,duration_s,imsi,imei,calling,called\n${Array.from({ length: 3 }, () => `${digits(12)},${isoTime()},${int(1, 3600)},${L('imsi', imsi())},${L('imei', imei())},${L('phone_number', `+1${int(2, 9)}${digits(2)}${int(2, 9)}${digits(6)}`)},${L('phone_number', `+44${int(1, 7)}${digits(9)}`)}`).join('\n')}\n`,
  }),
  'sim-activation-ndjson': () => ({
    kind: 'request',
    contentType: 'application/x-ndjson',
    body: Array.from({ length: 2 }, () => `{"iccid":"${L('iccid', iccid())}","imsi":"${L('imsi', imsi())}","msisdn":"${L('phone_number', `+${int(30, 49)}${digits(9)}`)}","plan":"PLAN-${digits(3)}","activatedAt":"${isoTime()}"}`).join('\n') + '\n',
  }),
  'access-log-text': () => ({
    kind: 'request',
    contentType: 'text/plain',
    body: `${L('ipv4', ipv4())} - - [17/May/2024:10:${int(10, 59)}:00 +0000] "GET /v${int(1, 3)}/orders/${digits(8)} HTTP/1.1" 200 ${int(100, 9999)} "-" "curl/${version()}"\n${L('ipv4', ipv4())} - - [17/May/2024:10:${int(10, 59)}:01 +0000] "POST /login HTTP/1.1" 302 0 "-" "okhttp/${version()}"\n`,
  }),
  'proxy-headers': () => ({
    kind: 'request',
    headers: { 'x-forwarded-for': `${L('ipv4', ipv4())}, ${L('ipv4', ipv4())}`, 'x-real-ip': L('ipv4', ipv4()), 'x-app-version': `${version()}.${int(0, 9)}`, 'x-trace-id': chars(HEX, 32) },
  }),
  'error-java': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"status":500,"error":"Internal Server Error","trace":"${L('stack_trace', jsonEsc(javaTrace('\n', '\t')))}","path":"/api/orders/${digits(6)}"}`,
  }),
  'error-python': () => ({ kind: 'response', contentType: 'text/html', body: `<pre>${L('stack_trace', pythonTrace('\n'))}</pre>` }),
  'error-node': () => ({ kind: 'response', contentType: 'text/plain', body: `500 Internal Server Error\n\n${L('stack_trace', nodeTrace('\n'))}\n` }),
  'error-dotnet': () => ({ kind: 'response', contentType: 'application/json', body: `{"title":"An error occurred","detail":"${L('stack_trace', jsonEsc(dotnetTrace('\r\n')))}","traceId":"00-${chars(HEX, 32)}-${chars(HEX, 16)}-00"}` }),
  'error-go': () => ({ kind: 'response', contentType: 'text/plain', body: `${L('stack_trace', goTrace('\n'))}\nexit status 2\n` }),
  'error-benign': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"error":"ValidationError","message":"field 'quantity' must be at least 1","at":"${isoTime()}","docs":"https://docs.example.com/errors#validation"}`,
  }),
  'search-query': () => ({
    kind: 'request',
    query: `email=${L('email', encodeURIComponent(email()))}&phone=${L('phone_number', encodeURIComponent(`+1${int(2, 9)}${digits(2)}${int(2, 9)}${digits(6)}`))}&since=${isoTime().slice(0, 10)}&limit=50`,
  }),
  'multilingual-notes': () => ({
    kind: 'request',
    contentType: 'application/json',
    body: `{"note":"${pick(['Client très satisfait — rappeler', 'Kunde möchte Rückruf', '顧客から電話がありました', 'Клиент просит перезвонить'])} ${L('phone_number', `+${int(30, 49)} ${digits(2)} ${digits(4)} ${digits(4)}`)}","contact":"${L('email', email())}","ref":"№${digits(6)}"}`,
  }),
  'bank-transfer': () => ({
    kind: 'request',
    contentType: 'application/json',
    body: `{"transfer":{"from":{"iban":"${L('iban', iban())}"},"to":{"iban":"${L('iban', iban())}","name":"${name()}"},"amount":"${price()}","routing":"${digits(9)}","reference":"Invoice ${digits(8)}"}}`,
  }),
  'device-registration': () => ({
    kind: 'request',
    contentType: 'application/json',
    body: `{"device":{"imei":"${L('imei', imei())}","model":"SM-G${digits(3)}","os":"Android ${int(10, 14)}","serial":"R${chars(UPPERNUM, 10)}","firmware":"${version()}"},"sim":{"iccid":"${L('iccid', iccid())}"}}`,
  }),
  'login-json': () => ({
    kind: 'request',
    contentType: 'application/json',
    headers: { cookie: `session=${chars(ALNUM, 24)}; theme=dark` },
    body: `{"username":"${pick(FIRST)}","password":"${L('password', password())}","remember":true,"passwordPolicy":"min 12 chars"}`,
  }),
  'webhook-log': () => ({
    kind: 'request',
    contentType: 'text/plain',
    body: `POST /hooks HTTP/1.1\nAuthorization: ${L('bearer_token', `Bearer ${chars(ALNUM, 40)}`)}\nX-Signature: sha256=${chars(HEX, 64)}\n\n{"event":"invoice.paid","id":"evt_${chars(ALNUM, 14)}"}`,
  }),
  'hr-record-xml': () => ({
    kind: 'response',
    contentType: 'application/xml',
    body: `<employee id="E${digits(5)}"><name>${name()}</name><birthDate>${L('date_of_birth', dob())}</birthDate><ssn>${L('us_ssn', ssn())}</ssn><hired>${isoTime().slice(0, 10)}</hired><phone type="mobile">${L('phone_number', `+1${int(2, 9)}${digits(2)}${int(2, 9)}${digits(6)}`)}</phone></employee>`,
  }),
  'catalog-clean': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"items":[${Array.from({ length: 4 }, () => `{"id":"${uuid()}","sku":"${chars(UPPERNUM, 8)}","price":${price()},"stock":${int(0, 500)},"gtin":"${digits(13)}","updated":"${isoTime()}"}`).join(',')}],"next":"${chars(ALNUM, 20)}","apiVersion":"${version()}"}`,
  }),
  'support-ticket-text': () => ({
    kind: 'request',
    contentType: 'text/plain; charset=utf-8',
    body: `Hi, ${pick(['my card', 'the Visa card', 'card'])} ${L('credit_card', card().replace(/(\d{4})(?=\d)/g, '$1 '))} was charged twice for order #${digits(9)}. ${pick(['Reach me at', 'My number is', 'Call me on'])} ${L('phone_number', `(${int(2, 9)}${digits(2)}) ${int(2, 9)}${digits(2)}-${digits(4)}`)} or ${L('email', email())}. My social is ${L('us_ssn', ssn())}. Sent from my iPhone (iOS ${version()})`,
  }),
  'snowflake-ids': () => ({
    kind: 'response',
    contentType: 'application/json',
    body: `{"messages":[${Array.from({ length: 3 }, () => `{"id":"1${digits(18)}","channel_id":"${int(1, 9)}${digits(17)}","author":{"id":"${int(1, 9)}${digits(16)}"},"timestamp":"${isoTime()}","nonce":"${digits(19)}"}`).join(',')}],"transaction_id":"${luhn('4' + digits(14))}"}`,
  }),
  'app-log-lines': () => ({
    kind: 'request',
    contentType: 'text/plain',
    body: `${isoTime()} INFO  user=${L('email', email())} ip=${L('ipv4', ipv4())} action=login ua="okhttp/${version()}" latency_ms=${int(1, 999)}\n${isoTime()} WARN  retry attempt=${int(1, 5)} upstream=${L('ipv4', ipv4())}:${int(1000, 9999)} request_id=${uuid()}\n${isoTime()} DEBUG build=${version()}.${int(0, 9)} commit=${chars(HEX, 7)}\n`,
  }),
  'graphql-mixed': () => ({
    kind: 'request',
    contentType: 'application/json',
    body: `{"query":"mutation Update($input: UserInput!) { updateUser(input: $input) { id } }","variables":{"input":{"id":"${uuid()}","contactEmail":"${L('email', email())}","mobilePhone":"${L('phone_number', `+1${int(2, 9)}${digits(2)}${int(2, 9)}${digits(6)}`)}","billing":{"cardLast4":"${digits(4)}","postalCode":"${digits(5)}"},"birthday":"${L('date_of_birth', dob())}","settings":{"locale":"fr-FR","theme":"dark"}}}}`,
  }),
  'headers-mixed': () => ({
    kind: 'request',
    headers: {
      authorization: pick([`Bearer ${L('jwt', jwt())}`, L('http_basic_auth', `Basic ${basic()}`), L('bearer_token', `Bearer ${chars(ALNUM, 32)}`)]),
      'x-forwarded-for': L('ipv4', ipv4()),
      'if-none-match': `W/"${chars(HEX, 16)}"`,
      'x-correlation-id': uuid(),
      'accept-language': 'en-GB,en;q=0.9',
    },
    query: `page=${int(1, 20)}&sort=created_at&from=${isoTime().slice(0, 10)}`,
  }),
  'metrics-clean': () => ({
    kind: 'request',
    contentType: 'text/plain',
    body: `http_requests_total{code="200",method="get"} ${int(1000, 999999)}\nprocess_start_time_seconds ${1700000000 + int(0, 9999999)}.${digits(2)}\nbuild_info{version="${version()}",revision="${chars(HEX, 12)}"} 1\n`,
  }),
};

// ---- write ---------------------------------------------------------------------------------------

const MARK = /⟦([a-z0-9_]+)\|([\s\S]*?)⟧/g;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
interface Label {
  type: string;
  field: string;
  start: number;
  end: number;
}
function unmark(text: string, field: string, labels: Label[]): string {
  let clean = '';
  let last = 0;
  for (const m of text.matchAll(MARK)) {
    clean += text.slice(last, m.index);
    const start = bytes(clean);
    clean += m[2]!;
    labels.push({ type: m[1]!, field, start, end: bytes(clean) });
    last = m.index! + m[0].length;
  }
  return clean + text.slice(last);
}

const lines: string[] = [];
for (const [template, make] of Object.entries(TEMPLATES)) {
  for (let i = 0; i < COUNT_PER_TEMPLATE; i++) {
    const m = make();
    const labels: Label[] = [];
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.headers ?? {})) headers[k] = unmark(v, `header:${k}`, labels);
    const query = unmark(m.query ?? '', 'query', labels);
    const body = unmark(m.body ?? '', 'body', labels);
    lines.push(JSON.stringify({ id: `${template}-${i}`, template, input: { kind: m.kind, headers, query, body, contentType: m.contentType ?? '' }, labels }));
  }
}
writeFileSync(join(here, 'detect-corpus.jsonl'), lines.join('\n') + '\n');
console.log(`${lines.length} messages`);
