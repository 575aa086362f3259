import { validate, validBasicAuth, validJwt } from "../validate";
import { validDatePast } from "../date-past";
import { ibanLength, validIban } from "../iban";
import {
  validEntropy,
  validAba,
  validCard,
  validIccid,
  validImei,
  validImsi,
  validIpv4,
  validPhone,
  validSsn,
  VALIDATOR_CARD,
  VALIDATOR_NONE,
} from "../validators";

type Check = (ptr: usize, len: usize) => bool;

function ok(check: Check, s: string): bool {
  const b = String.UTF8.encode(s);
  return check(changetype<usize>(b), <usize>b.byteLength);
}

describe("card (Luhn + issuer ranges)", () => {
  it("accepts valid Visa, Mastercard, Amex, Discover numbers, with or without separators", () => {
    expect(ok(validCard, "4111111111111111")).toBe(true);
    expect(ok(validCard, "5555555555554444")).toBe(true);
    expect(ok(validCard, "2223003122003222")).toBe(true);
    expect(ok(validCard, "378282246310005")).toBe(true);
    expect(ok(validCard, "6011111111111117")).toBe(true);
    expect(ok(validCard, "4111 1111 1111 1111")).toBe(true);
    expect(ok(validCard, "4111-1111-1111-1111")).toBe(true);
  });
  it("refuses a wrong check digit, an unknown issuer and a wrong length", () => {
    expect(ok(validCard, "4111111111111112")).toBe(false);
    expect(ok(validCard, "1234567812345670")).toBe(false);
    expect(ok(validCard, "37828224631000")).toBe(false);
    expect(ok(validCard, "5019717010103742")).toBe(true); // Maestro 50
    expect(ok(validCard, "5900000000000008")).toBe(false); // 59 is not a listed issuer
  });
});

describe("IMEI, ICCID, IMSI", () => {
  it("IMEI 490154203237518 passes Luhn, 490154203237519 does not", () => {
    expect(ok(validImei, "490154203237518")).toBe(true);
    expect(ok(validImei, "49-015420-323751-8")).toBe(true);
    expect(ok(validImei, "490154203237519")).toBe(false);
    expect(ok(validImei, "49015420323751")).toBe(false);
    expect(ok(validImei, "000000000000000")).toBe(false); // Luhn-valid, all digits equal
  });
  it("ICCID needs the 89 prefix, 19-20 digits and Luhn", () => {
    expect(ok(validIccid, "8944501012345678908")).toBe(true);
    expect(ok(validIccid, "89012601234567890121")).toBe(true);
    expect(ok(validIccid, "8944501012345678909")).toBe(false);
    expect(ok(validIccid, "7944501012345678908")).toBe(false);
  });
  it("IMSI needs 15 digits with an MCC in 200-799", () => {
    expect(ok(validImsi, "310150123456789")).toBe(true);
    expect(ok(validImsi, "100150123456789")).toBe(false);
    expect(ok(validImsi, "31015012345678")).toBe(false);
    expect(ok(validImsi, "222222222222222")).toBe(false);
  });
});

describe("IBAN (country length + mod 97)", () => {
  it("accepts valid IBANs in print and electronic form", () => {
    expect(ok(validIban, "GB82WEST12345698765432")).toBe(true);
    expect(ok(validIban, "GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ok(validIban, "DE89370400440532013000")).toBe(true);
    expect(ok(validIban, "de89370400440532013000")).toBe(true);
  });
  it("refuses a bad check, a wrong length and an unknown country", () => {
    expect(ok(validIban, "GB82WEST12345698765433")).toBe(false);
    expect(ok(validIban, "DE8937040044053201300")).toBe(false);
    expect(ok(validIban, "ZZ82WEST12345698765432")).toBe(false);
    expect(ok(validIban, "GB82-WEST-1234-5698-7654-32")).toBe(false);
  });
  it("knows country lengths", () => {
    expect(ibanLength(78, 79)).toBe(15); // NO
    expect(ibanLength(77, 84)).toBe(31); // MT
    expect(ibanLength(76, 67)).toBe(0); // LC: not in the table of docs/detectors.md §5
  });
});

describe("US SSN, ABA", () => {
  it("SSN follows SSA area/group/serial rules and refuses advertising numbers", () => {
    expect(ok(validSsn, "536-22-1234")).toBe(true);
    expect(ok(validSsn, "536221234")).toBe(true);
    expect(ok(validSsn, "000-12-3456")).toBe(false);
    expect(ok(validSsn, "666-12-3456")).toBe(false);
    expect(ok(validSsn, "900-12-3456")).toBe(false);
    expect(ok(validSsn, "536-00-1234")).toBe(false);
    expect(ok(validSsn, "536-22-0000")).toBe(false);
    expect(ok(validSsn, "078-05-1120")).toBe(false);
    expect(ok(validSsn, "219-09-9999")).toBe(false);
    expect(ok(validSsn, "123-45-6789")).toBe(false);
    expect(ok(validSsn, "555-55-5555")).toBe(false);
  });
  it("ABA routing numbers pass the 3-7-1 checksum", () => {
    expect(ok(validAba, "011000015")).toBe(true);
    expect(ok(validAba, "021000021")).toBe(true);
    expect(ok(validAba, "021000022")).toBe(false);
    expect(ok(validAba, "000000000")).toBe(false);
  });
});

describe("IPv4, phone", () => {
  it("IPv4 needs four octets 0-255 without leading zeros", () => {
    expect(ok(validIpv4, "192.168.1.1")).toBe(true);
    expect(ok(validIpv4, "10.0.0.0")).toBe(true);
    expect(ok(validIpv4, "0.1.2.3")).toBe(false);
    expect(ok(validIpv4, "256.1.1.1")).toBe(false);
    expect(ok(validIpv4, "01.2.3.4")).toBe(false);
    expect(ok(validIpv4, "1.2.3")).toBe(false);
    expect(ok(validIpv4, "1.2.3.4.5")).toBe(false);
    expect(ok(validIpv4, "1..3.4")).toBe(false);
  });
  it("phone: E.164 8-15 digits, NANP 10 or 1+10 digits, national trunk 0", () => {
    expect(ok(validPhone, "+14155552671")).toBe(true);
    expect(ok(validPhone, "+1 415 555 2671")).toBe(true);
    expect(ok(validPhone, "(415) 555-2671")).toBe(true);
    expect(ok(validPhone, "1-415-555-2671")).toBe(true);
    expect(ok(validPhone, "020 7946 0958")).toBe(true);
    expect(ok(validPhone, "(115) 555-2671")).toBe(false);
    expect(ok(validPhone, "415-155-2671")).toBe(false);
    expect(ok(validPhone, "+0123456789")).toBe(false);
    expect(ok(validPhone, "+1234567")).toBe(false);
    expect(ok(validPhone, "+1234567890123456")).toBe(false);
    expect(ok(validPhone, "5555555555")).toBe(false);
  });
});

function date(s: string): bool {
  const b = String.UTF8.encode(s);
  return validDatePast(changetype<usize>(b), <usize>b.byteLength);
}

describe("date in the past", () => {
  it("accepts existing dates 1900-2025 in ISO, US and European order", () => {
    expect(date("1990-05-17")).toBe(true);
    expect(date("02/29/2000")).toBe(true);
    expect(date("17.05.1990")).toBe(true);
    expect(date("2025-12-31")).toBe(true);
  });
  it("refuses years after 2025 or before 1900, impossible dates and other shapes", () => {
    expect(date("2026-01-01")).toBe(false);
    expect(date("1899-12-31")).toBe(false);
    expect(date("1990-02-30")).toBe(false);
    expect(date("29.02.2001")).toBe(false);
    expect(date("13/13/1990")).toBe(false);
    expect(date("1990-05")).toBe(false);
    expect(date("90-05-17")).toBe(false);
  });
});

describe("JWT header and Basic credentials", () => {
  it("JWT header must decode to a JSON object with alg", () => {
    expect(ok(validJwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln")).toBe(true);
    expect(ok(validJwt, "eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.c2ln")).toBe(false);
    expect(ok(validJwt, "not-base64!.a.b")).toBe(false);
  });
  it("Basic credentials need the scheme, user:password, a non-empty user and password", () => {
    expect(ok(validBasicAuth, "Basic dXNlcjpwYXNz")).toBe(true);
    expect(ok(validBasicAuth, "basic   dXNlcjpwYXNz")).toBe(true);
    expect(ok(validBasicAuth, "dXNlcjpwYXNz")).toBe(false);
    expect(ok(validBasicAuth, "Basic dXNlcjo=")).toBe(false);
    expect(ok(validBasicAuth, "Basic OnBhc3M=")).toBe(false);
    expect(ok(validBasicAuth, "Basic dXNlcg==")).toBe(false);
    expect(ok(validBasicAuth, "Basic %%%")).toBe(false);
  });
});

describe("entropy and dispatch", () => {
  it("entropy: enough distinct bytes and two character classes", () => {
    expect(ok(validEntropy, "aB3dE6gH9jK2mN5p")).toBe(true);
    expect(ok(validEntropy, "aaaaaaaaaaaaaaaa")).toBe(false);
    expect(ok(validEntropy, "abcdefghijklmnop")).toBe(false);
    expect(ok(validEntropy, "abababababab1212")).toBe(false);
  });
  it("dispatches by validator id; NONE and unknown ids pass", () => {
    const card = String.UTF8.encode("4111111111111112");
    expect(validate(VALIDATOR_CARD, changetype<usize>(card), 16)).toBe(false);
    expect(validate(VALIDATOR_NONE, changetype<usize>(card), 16)).toBe(true);
    expect(validate(99, changetype<usize>(card), 16)).toBe(true);
  });
});
