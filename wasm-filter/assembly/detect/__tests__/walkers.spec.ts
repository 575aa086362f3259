import { CsvWalker } from "../csv-walker";
import { decodeForm, decodeJsonString, decodeXml } from "../decode";
import { bodyMode, bodySyntax, SYNTAX_CSV, SYNTAX_FORM, SYNTAX_JSON, SYNTAX_TEXT, SYNTAX_XML } from "../field-kinds";
import { FormWalker } from "../form-walker";
import { JsonWalker } from "../json-walker";
import { normalizeKey, windowHas } from "../key-tokens";
import { KeywordSet } from "../keyword-set";
import { ByteBuf, PathSource, Segment, SegmentSink } from "../segment";
import { XmlWalker } from "../xml-walker";

/** Records each segment as "key|path|decoded|rawStart-rawEnd". */
class Recorder extends SegmentSink {
  lines: Array<string> = new Array<string>();
  private pathBytes: ByteBuf = new ByteBuf();
  onSegment(seg: Segment, paths: PathSource): void {
    const key = String.UTF8.decodeUnsafe(seg.keyPtr, seg.keyLen);
    let path = "-";
    if (paths.hasPath()) {
      paths.spellPath(this.pathBytes);
      path = String.UTF8.decodeUnsafe(this.pathBytes.ptr, this.pathBytes.len);
    }
    const value = String.UTF8.decodeUnsafe(seg.data, seg.n);
    const span = seg.n > 0 ? seg.rawStart(0).toString() + "-" + seg.rawEnd(seg.n - 1).toString() : "";
    this.lines.push(key + "|" + path + "|" + value + "|" + span);
  }
}

function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

/** The segments one walker cuts from s. */
function record(s: string, walk: (field: usize, len: usize, seg: Segment, sink: SegmentSink) => void): Array<string> {
  const b = utf8(s);
  const r = new Recorder();
  walk(changetype<usize>(b), b.byteLength, new Segment(), r);
  return r.lines;
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
  return record(s, (field: usize, len: usize, seg: Segment, sink: SegmentSink): void => new JsonWalker().walk(field, len, seg, sink));
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
  it("spells non-ASCII member names as UTF-8 and malformed ones as a string decode reads them", () => {
    expect(walkJson('{"prénom":{"ü":"x"}}').join("\n")).toBe("ü|$['prénom']['ü']|x|18-19");
    // {"a<FF>b":"x"}: the byte 0xFF is no UTF-8; the path spells the name as String.UTF8.decode reads it.
    const b = new StaticArray<u8>(12);
    const bytes: u8[] = [123, 34, 97, 0xff, 98, 34, 58, 34, 120, 34, 125, 10];
    for (let i = 0; i < 12; i++) b[i] = bytes[i];
    const r = new Recorder();
    new JsonWalker().walk(changetype<usize>(b), 12, new Segment(), r);
    const name = String.UTF8.decodeUnsafe(changetype<usize>(b) + 2, 3);
    expect(r.lines[0].split("|")[1]).toBe("$['" + name + "']");
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
  return record(s, (field: usize, len: usize, seg: Segment, sink: SegmentSink): void => new XmlWalker().walk(field, len, seg, sink));
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
  it("spells non-ASCII element and attribute names as UTF-8", () => {
    expect(walkXml('<données><carte numéro="1">2</carte></données>').join("\n")).toBe(
      "numéro|/données/carte/@numéro|1|26-27\ncarte|/données/carte|2|29-30",
    );
  });
  it("stops at an unterminated construct", () => {
    expect(walkXml("<a>one</a><!-- open").join("\n")).toBe("a|/a|one|3-6");
  });
});

function walkForm(s: string): Array<string> {
  return record(s, (field: usize, len: usize, seg: Segment, sink: SegmentSink): void => new FormWalker().walk(field, len, seg, sink));
}

describe("form walker", () => {
  it("splits on &, decodes names and values, skips empty values", () => {
    expect(walkForm("card%5Fno=4111+1111&&empty=&bare&x=%41").join("\n")).toBe("card_no|card_no|4111 1111|10-19\n|-|bare|28-32\nx|x|A|35-38");
  });
});

function walkCsv(s: string): Array<string> {
  return record(s, (field: usize, len: usize, seg: Segment, sink: SegmentSink): void => new CsvWalker().walk(field, len, seg, sink));
}

describe("CSV walker", () => {
  it("keys cells by their column name and skips the header and empty cells", () => {
    expect(walkCsv("id,card\n1,4111\n2,\n").join("\n")).toBe("id|id|1|8-9\ncard|card|4111|10-14\nid|id|2|15-16");
  });
  it("unquotes cells (commas, doubled quotes, LF inside) and drops the CR of CRLF", () => {
    const lines = walkCsv('"a","b"\r\n"x, y","say ""hi""\nok"\r\nz,w\r\n');
    expect(lines.join("\n")).toBe('a|a|x, y|10-14\nb|b|say "hi"\nok|17-30\na|a|z|33-34\nb|b|w|35-36');
  });
  it("gives cells beyond the header, or under an empty name, no key and no path", () => {
    expect(walkCsv(",n\n1,2,3").join("\n")).toBe("|-|1|3-4\nn|n|2|5-6\n|-|3|7-8");
  });
  it("tolerates an unterminated quote at the end of the body", () => {
    expect(walkCsv('h\n"abc').join("\n")).toBe("h|h|abc|3-6");
  });
});

function mode(contentType: string, body: string): i32 {
  const b = utf8(body);
  return bodyMode(bodySyntax(contentType), changetype<usize>(b), b.byteLength);
}

describe("body mode", () => {
  it("follows docs/detectors.md §2 rule by rule", () => {
    expect(mode("application/x-www-form-urlencoded", "{")).toBe(SYNTAX_FORM);
    expect(mode("", " [1]")).toBe(SYNTAX_JSON);
    expect(mode("application/x-ndjson", "{}")).toBe(SYNTAX_JSON);
    expect(mode("text/plain", "[default]")).toBe(SYNTAX_TEXT);
    expect(mode("application/soap+xml", "<a/>")).toBe(SYNTAX_XML);
    expect(mode("application/xml", "{}")).toBe(SYNTAX_TEXT);
    expect(mode("text/csv", "{a}")).toBe(SYNTAX_CSV);
    expect(mode("text/csv; charset=utf-8", "a,b")).toBe(SYNTAX_CSV);
  });
});

function keywordAt(text: string, from: usize, kw: string): bool {
  const b = utf8(text);
  const k = utf8(kw);
  const w = new StaticArray<u8>(k.byteLength);
  memory.copy(changetype<usize>(w), changetype<usize>(k), <usize>k.byteLength);
  return windowHas(changetype<usize>(b), from, b.byteLength, w);
}

describe("keyword window", () => {
  it("finds keywords only at word starts, looking before the window", () => {
    expect(keywordAt("Jo Patel", 0, "tel")).toBe(false);
    expect(keywordAt("tel: 1", 0, "tel")).toBe(true);
    expect(keywordAt("my TEL", 0, "tel")).toBe(true);
    expect(keywordAt("Patel", 3, "el")).toBe(false);
    expect(keywordAt("a_secret", 0, "_secret")).toBe(true);
  });
});

function wordBytes(words: Array<string>): Array<StaticArray<u8>> {
  const out = new Array<StaticArray<u8>>();
  for (let i = 0; i < words.length; i++) {
    const k = utf8(words[i]);
    const w = new StaticArray<u8>(k.byteLength);
    memory.copy(changetype<usize>(w), changetype<usize>(k), <usize>k.byteLength);
    out.push(w);
  }
  return out;
}

/** KeywordSet.anyIn over every window [from, to) of text must equal windowHas of some word. */
function setAgrees(text: string, words: Array<string>): bool {
  const b = utf8(text);
  const p = changetype<usize>(b);
  const n = <usize>b.byteLength;
  const list = wordBytes(words);
  const set = new KeywordSet(list);
  for (let from: usize = 0; from <= n; from++) {
    for (let to = from; to <= n; to++) {
      let any = false;
      for (let k = 0; k < list.length; k++) any = any || windowHas(p, from, to, list[k]);
      if (set.anyIn(p, from, to) != any) return false;
    }
  }
  return true;
}

describe("keyword set", () => {
  it("answers what windowHas answers for some word, in every window", () => {
    const words = ["tel", "phone", "_secret", "ss#", "t"];
    expect(setAgrees("Jo Patel tel: 1 PHONE a_secret ss#9 xt", words)).toBe(true);
    expect(setAgrees("telephone Tel.TEL", ["tel", "telephone", "lep"])).toBe(true);
    expect(setAgrees("no keyword here", ["card", "visa"])).toBe(true);
  });

  it("agrees in any case of the window and of the words' first bytes", () => {
    // The first-byte bitmap holds both cases of a letter; a word that starts upper case is never
    // found, as windowHas compares with the lower-cased window.
    expect(setAgrees("VISA Visa vISA [Card] 9Pan", ["visa", "card", "[card", "Pan", "9pan"])).toBe(true);
    expect(setAgrees("@ `a {z ZA za", ["za", "@", "`a", "{z"])).toBe(true);
  });

  it("finds nothing when it has no words", () => {
    expect(setAgrees("order tracking", [])).toBe(true);
  });

  it("finds a word only at a word start and inside the window", () => {
    const b = utf8("Jo Patel, tel 5");
    const set = new KeywordSet(wordBytes(["tel"]));
    expect(set.anyIn(changetype<usize>(b), 0, 8)).toBe(false); // `tel` of `Patel`
    expect(set.anyIn(changetype<usize>(b), 0, 13)).toBe(true);
    expect(set.anyIn(changetype<usize>(b), 0, 12)).toBe(false); // cut by the window end
  });

  it("an empty word is found in every window", () => {
    const b = utf8("abc");
    expect(new KeywordSet(wordBytes(["zz", ""])).anyIn(changetype<usize>(b), 1, 1)).toBe(true);
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
