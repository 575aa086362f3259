import { Mode, parsePluginConfig } from "../plugin-config";

function expectError(error: string, part: string): void {
  expect(error.includes(part)).toBe(true, error);
}

describe("parsePluginConfig", () => {
  it("gives the defaults for an empty configuration (standalone, built-in rules)", () => {
    const c = parsePluginConfig("").config!;
    expect(c.controlPlaneCluster).toBe("");
    expect(c.mode).toBe(Mode.Enforce);
    expect(c.maxBodyBytes).toBe(65536);
    expect(c.failOpen).toBe(true);
    expect(c.hashKeySet).toBe(false);
  });

  it("reads every setting", () => {
    const r = parsePluginConfig(
      '{"control_plane_cluster":"cp","control_plane_authority":"cp.example","gateway_id":"edge-1","token":"t","gateway_kind":"dev",' +
        '"mode":"monitor","max_body_bytes":1024,"inspect_content_types":["Application/JSON","text/*"],"sample_percent":10,' +
        '"fail_open":false,"flush_interval_ms":500,"batch_size":10,"queue_size":20,"hash_key":"000102030405060708090A0B0C0D0E0F",' +
        '"allow_on_headers_stop_iteration":true,"rate_limit_descriptor_header":"x-rl"}',
    );
    expect(r.error).toBe("");
    const c = r.config!;
    expect(c.controlPlaneAuthority).toBe("cp.example");
    expect(c.gatewayKind).toBe(3);
    expect(c.mode).toBe(Mode.Monitor);
    expect(c.inspectContentTypes[0]).toBe("application/json");
    expect(c.samplePercent).toBe(10);
    expect(c.failOpen).toBe(false);
    expect(c.queueSize).toBe(20);
    expect(c.hashKey[10]).toBe(10);
    expect(c.hashKeySet).toBe(true);
    expect(c.allowOnHeadersStopIteration).toBe(true);
    expect(c.rateLimitDescriptorHeader).toBe("x-rl");
  });

  it("names the field and the rule for a bad value", () => {
    expect(parsePluginConfig('{"max_body_bytes":-1}').error).toBe(
      "palisade: invalid plugin configuration: field `max_body_bytes` must be an integer from 0 to 16777216",
    );
    expectError(parsePluginConfig('{"mode":"block"}').error, "`mode`");
    expectError(parsePluginConfig('{"hash_key":"zz"}').error, "`hash_key`");
    expectError(parsePluginConfig('{"rate_limit_descriptor_header":"X-Bad Header"}').error, "`rate_limit_descriptor_header`");
    expectError(parsePluginConfig('{"batch_size":50,"queue_size":10}').error, "`queue_size` must be at least batch_size");
  });

  it("refuses unknown keys, non-objects and broken JSON", () => {
    expectError(parsePluginConfig('{"mdoe":"monitor"}').error, "`mdoe` is not a known setting");
    expectError(parsePluginConfig("[1]").error, "must be a JSON object");
    expect(parsePluginConfig('{"mode":').config).toBeNull();
  });

  it("needs gateway_id and token with a control plane", () => {
    expectError(parsePluginConfig('{"control_plane_cluster":"cp","token":"t"}').error, "`gateway_id` is required");
    expectError(parsePluginConfig('{"control_plane_cluster":"cp","gateway_id":"g"}').error, "`token` is required");
  });
});
