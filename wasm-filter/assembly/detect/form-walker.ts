// Query strings and form bodies (docs/detectors.md §2 "Form"): `&`-separated parts, each value a
// percent-decoded segment whose key and path are the decoded parameter name.
import { decodeForm } from "./decode";
import { FixedPath, Segment, SegmentSink } from "./segment";

export class FormWalker {
  private nameSeg: Segment = new Segment();
  private paths: FixedPath = new FixedPath();

  walk(field: usize, len: usize, seg: Segment, sink: SegmentSink): void {
    let partFrom: usize = 0;
    for (let i: usize = 0; i <= len; i++) {
      if (i < len && load<u8>(field + i) != 38) continue;
      if (i > partFrom) this.part(field, partFrom, i, seg, sink);
      partFrom = i + 1;
    }
  }

  private part(field: usize, from: usize, to: usize, seg: Segment, sink: SegmentSink): void {
    let eq = from;
    while (eq < to && load<u8>(field + eq) != 61) eq++;
    let valueFrom = from;
    this.paths.present = false;
    let keyLen: usize = 0;
    if (eq < to) {
      valueFrom = eq + 1;
      decodeForm(this.nameSeg, field, from, eq);
      keyLen = this.nameSeg.n;
      if (keyLen > 0) {
        this.paths.present = true;
        this.paths.ptr = this.nameSeg.data;
        this.paths.len = keyLen;
      }
    }
    if (valueFrom >= to) return;
    decodeForm(seg, field, valueFrom, to);
    seg.keyPtr = this.nameSeg.data;
    seg.keyLen = keyLen;
    sink.onSegment(seg, this.paths);
  }
}
