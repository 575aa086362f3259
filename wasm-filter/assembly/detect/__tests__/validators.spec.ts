import { validate, validBasicAuth, validJwt } from "../validate";
import { validDatePast } from "../date-past";
import { ibanLength, validIban } from "../iban";
import {
  entropyBits,
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
    expect(ok(validCard, "4111x1111111111111")).toBe(false);
  });
});

describe("IMEI, ICCID, IMSI", () => {
  it("IMEI 490154203237518 passes Luhn, 490154203237519 does not", () => {
    expect(ok(validImei, "490154203237518")).toBe(true);
    expect(ok(validImei, "49-015420-323751-8")).toBe(true);
    expect(ok(validImei, "490154203237519")).toBe(false);
    expect(ok(validImei, "49015420323751")).toBe(false);
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
  });
  it("knows country lengths", () => {
    expect(ibanLength(78, 79)).toBe(15); // NO
    expect(ibanLength(76, 67)).toBe(32); // LC
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
  });
  it("ABA routing numbers pass the 3-7-1 checksum", () => {
    expect(ok(validAba, "011000015")).toBe(true);
    expect(ok(validAba, "021000021")).toBe(true);
    expect(ok(validAba, "021000022")).toBe(false);
    expect(ok(validAba, "991000015")).toBe(false);
  });
});

describe("IPv4, phone", () => {
  it("IPv4 needs four octets 0-255 without leading zeros", () => {
    expect(ok(validIpv4, "192.168.1.1")).toBe(true);
    expect(ok(validIpv4, "0.0.0.0")).toBe(true);
    expect(ok(validIpv4, "256.1.1.1")).toBe(false);
    expect(ok(validIpv4, "01.2.3.4")).toBe(false);
    expect(ok(validIpv4, "1.2.3")).toBe(false);
    expect(ok(validIpv4, "1.2.3.4.5")).toBe(false);
    expect(ok(validIpv4, "1..3.4")).toBe(false);
  });
  it("phone: E.164 8-15 digits, national 7-15", () => {
    expect(ok(validPhone, "+14155552671")).toBe(true);
    expect(ok(validPhone, "+1 415 555 2671")).toBe(true);
    expect(ok(validPhone, "(415) 555-2671")).toBe(true);
    expect(ok(validPhone, "12345")).toBe(false);
    expect(ok(validPhone, "+1234567")).toBe(false);
    expect(ok(validPhone, "1234567890123456")).toBe(false);
  });
});

function date(s: string, today: i32): bool {
  const b = String.UTF8.encode(s);
  return validDatePast(changetype<usize>(b), <usize>b.byteLength, today);
}

describe("date in the past", () => {
  it("accepts existing dates before today in ISO, US and European order", () => {
    expect(date("1990-05-17", 20261123)).toBe(true);
    expect(date("02/29/2000", 20261123)).toBe(true);
    expect(date("17.05.1990", 20261123)).toBe(true);
    expect(date("2030-01-01", 0)).toBe(true);
  });
  it("refuses future dates, impossible dates and years before 1900", () => {
    expect(date("2030-01-01", 20261123)).toBe(false);
    expect(date("2026-11-23", 20261123)).toBe(false);
    expect(date("1990-02-30", 20261123)).toBe(false);
    expect(date("29.02.2001", 20261123)).toBe(false);
    expect(date("1899-12-31", 20261123)).toBe(false);
    expect(date("1990-05", 20261123)).toBe(false);
  });
});

describe("JWT header and Basic credentials", () => {
  it("JWT header must decode to a JSON object with alg", () => {
    expect(ok(validJwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln")).toBe(true);
    expect(ok(validJwt, "eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.c2ln")).toBe(false);
    expect(ok(validJwt, "not-base64!.a.b")).toBe(false);
  });
  it("Basic credentials need user:password with a non-empty password", () => {
    expect(ok(validBasicAuth, "dXNlcjpwYXNz")).toBe(true);
    expect(ok(validBasicAuth, "Basic dXNlcjpwYXNz")).toBe(true);
    expect(ok(validBasicAuth, "dXNlcjo=")).toBe(false);
    expect(ok(validBasicAuth, "dXNlcg==")).toBe(false);
    expect(ok(validBasicAuth, "%%%")).toBe(false);
  });
});

describe("entropy and dispatch", () => {
  it("computes Shannon entropy in bits per byte", () => {
    const a = String.UTF8.encode("aaaaaaaa");
    expect(entropyBits(changetype<usize>(a), 8)).toBe(0.0);
    const b = String.UTF8.encode("abcdefgh");
    expect(entropyBits(changetype<usize>(b), 8)).toBe(3.0);
  });
  it("dispatches by validator id; NONE and unknown ids pass", () => {
    const card = String.UTF8.encode("4111111111111112");
    expect(validate(VALIDATOR_CARD, changetype<usize>(card), 16, 0)).toBe(false);
    expect(validate(VALIDATOR_NONE, changetype<usize>(card), 16, 0)).toBe(true);
    expect(validate(99, changetype<usize>(card), 16, 0)).toBe(true);
  });
});
