import { decodeForm, decodeJsonString, decodeXml } from "../decode";
import { FormWalker } from "../form-walker";
import { JsonWalker } from "../json-walker";
import { normalizeKey } from "../key-tokens";
import { ByteBuf, PathSource, Segment, SegmentSink } from "../segment";
import { XmlWalker } from "../xml-walker";

/** Records each segment as "key|path|decoded|rawStart-rawEnd". */
class Recorder extends SegmentSink {
  lines: Array<string> = new Array<string>();
  onSegment(seg: Segment, paths: PathSource): void {
    const key = String.UTF8.decodeUnsafe(seg.keyPtr, seg.keyLen);
    const path = paths.hasPath() ? paths.path() : "-";
    const value = String.UTF8.decodeUnsafe(seg.data, seg.n);
    const span = seg.n > 0 ? seg.rawStart(0).toString() + "-" + seg.rawEnd(seg.n - 1).toString() : "";
    this.lines.push(key + "|" + path + "|" + value + "|" + span);
  }
}

function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

function decoded(kind: i32, s: string): string {
  const b = utf8(s);
  const seg = new Segment();
  const p = changetype<usize>(b);
  if (kind == 0) decodeJsonString(seg, p, 0, b.byteLength);
  else if (kind == 1) decodeForm(seg, p, 0, b.byteLength);
  else decodeXml(seg, p, 0, b.byteLength);
  let spans = "";
  for (let i: usize = 0; i < seg.n; i++) spans += seg.rawStart(i).toString() + ":" + seg.rawEnd(i).toString() + " ";
  return String.UTF8.decodeUnsafe(seg.data, seg.n) + "|" + spans.trimEnd();
}

describe("decoders map every decoded byte to its raw span", () => {
  it("JSON escapes", () => {
    expect(decoded(0, "a\\nb")).toBe("a\nb|0:1 1:3 3:4");
    expect(decoded(0, "\\u0041\\u00e9")).toBe("Aé|0:6 6:12 6:12");
    expect(decoded(0, "\\ud83d\\ude00")).toBe("😀|0:12 0:12 0:12 0:12");
    expect(decoded(0, "\\ud83dx")).toBe("\uFFFDx|0:6 0:6 0:6 6:7");
    expect(decoded(0, "\\q\\u12")).toBe("\\q\\u12|0:1 1:2 2:3 3:4 4:5 5:6");
  });
  it("percent-encoding and +", () => {
    expect(decoded(1, "a+b%41%zz")).toBe("a bA%zz|0:1 1:2 2:3 3:6 6:7 7:8 8:9");
  });
  it("XML entities", () => {
    expect(decoded(2, "a&amp;b&#65;&#x42;&bogus;")).toBe("a&bAB&bogus;|0:1 1:6 6:7 7:12 12:18 18:19 19:20 20:21 21:22 22:23 23:24 24:25");
  });
  it("leaves unescaped runs as identity segments", () => {
    const b = utf8("plain");
    const seg = new Segment();
    decodeJsonString(seg, changetype<usize>(b), 1, 4);
    expect(seg.identity).toBe(true);
    expect(seg.rawStart(0)).toBe(1);
    expect(seg.rawEnd(2)).toBe(4);
  });
});

function walkJson(s: string): Array<string> {
  const b = utf8(s);
  const r = new Recorder();
  new JsonWalker().walk(changetype<usize>(b), b.byteLength, new Segment(), r);
  return r.lines;
}

describe("JSON walker", () => {
  it("reports strings and numbers with key and path", () => {
    const lines = walkJson('{"a":{"b":[1,"x"]},"card_no":"4111","n":-2,"t":true}');
    expect(lines.join("\n")).toBe("b|$.a.b[0]|1|11-12\nb|$.a.b[1]|x|14-15\ncard_no|$.card_no|4111|30-34\nn|$.n|-2|40-42");
  });
  it("quotes member names that are not identifiers and decodes escaped names", () => {
    const lines = walkJson('{"first name":"Al","it\'s":"b","\\u0061":"c"}');
    expect(lines.join("\n")).toBe("first name|$['first name']|Al|15-17\nit's|$['it\\'s']|b|27-28\na|$.a|c|40-41");
  });
  it("roots each NDJSON line at $ and tolerates truncation", () => {
    const lines = walkJson('{"a":"1"}\n{"a":"2"}\n{"b":"tru');
    expect(lines.join("\n")).toBe("a|$.a|1|6-7\na|$.a|2|16-17\nb|$.b|tru|26-29");
  });
  it("uses the member name above nested arrays as key; top-level values have key ''", () => {
    expect(walkJson('{"cards":[["x"]]}').join("\n")).toBe("cards|$.cards[0][0]|x|12-13");
    expect(walkJson('["y"]').join("\n")).toBe("|$[0]|y|2-3");
  });
  it("turns the rest into one text segment past 64 levels", () => {
    let s = "";
    for (let i = 0; i < 65; i++) s += "[";
    s += '"deep"';
    const lines = walkJson(s);
    expect(lines.length).toBe(1);
    expect(lines[0]).toBe('|-|["deep"|64-71');
  });
});

function walkXml(s: string): Array<string> {
  const b = utf8(s);
  const r = new Recorder();
  new XmlWalker().walk(changetype<usize>(b), b.byteLength, new Segment(), r);
  return r.lines;
}

describe("XML walker", () => {
  it("reports text, attributes and CDATA under element paths", () => {
    const lines = walkXml('<?xml version="1.0"?><s:Envelope><card type="visa">4111</card><!-- c --><n><![CDATA[a<b]]></n></s:Envelope>');
    expect(lines.join("\n")).toBe("type|/s:Envelope/card/@type|visa|45-49\ncard|/s:Envelope/card|4111|51-55\nn|/s:Envelope/n|a<b|84-87");
  });
  it("decodes entities in text and drops blank text; local name is the key", () => {
    const lines = walkXml("<a:b>\n  <x>1 &lt; 2</x>\n</a:b>");
    expect(lines.join("\n")).toBe("x|/a:b/x|1 < 2|11-19");
  });
  it("stops at an unterminated construct", () => {
    expect(walkXml("<a>one</a><!-- open").join("\n")).toBe("a|/a|one|3-6");
  });
});

function walkForm(s: string): Array<string> {
  const b = utf8(s);
  const r = new Recorder();
  new FormWalker().walk(changetype<usize>(b), b.byteLength, new Segment(), r);
  return r.lines;
}

describe("form walker", () => {
  it("splits on &, decodes names and values, skips empty values", () => {
    expect(walkForm("card%5Fno=4111+1111&&empty=&bare&x=%41").join("\n")).toBe("card_no|card_no|4111 1111|10-19\n|-|bare|28-32\nx|x|A|35-38");
  });
});

function norm(s: string): string {
  const b = utf8(s);
  const out = new ByteBuf();
  normalizeKey(changetype<usize>(b), b.byteLength, out);
  return String.UTF8.decodeUnsafe(out.ptr, out.len);
}

describe("key tokens", () => {
  it("splits camelCase, snake_case and dashes and lower-cases", () => {
    expect(norm("billingCardNumber")).toBe(" billing card number ");
    expect(norm("card_no")).toBe(" card no ");
    expect(norm("X-Api-Key")).toBe(" x api key ");
    expect(norm("SSN")).toBe(" ssn ");
    expect(norm("addr2Line")).toBe(" addr2 line ");
    expect(norm("")).toBe(" ");
  });
});
