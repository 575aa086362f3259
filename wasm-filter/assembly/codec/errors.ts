// Stable reasons for refusing protobuf input; sent back to the control plane as
// WatchRulesRequest.reject_reason prefixes and logged as they are.
export namespace CodecError {
  export const Truncated = "codec: truncated input";
  export const BadVarint = "codec: malformed varint";
  export const BadTag = "codec: malformed field tag";
  export const WrongWireType = "codec: unexpected wire type";
}
