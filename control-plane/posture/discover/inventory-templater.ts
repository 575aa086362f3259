// Offline discovery runs the inventory's own templater (control-plane/inventory/path-templater.ts)
// so a capture and live traffic produce the same templates. The inventory templater learns online;
// discovery feeds it every path once (learn), then asks again (match) so each exchange lands on the
// final template, not on the one that held when it happened to be read.
import { PathTemplater as InventoryTemplater, splitPath } from '../../inventory/path-templater.ts';

export interface TemplateMatch {
  template: string;
  /** Path parameter values by name, in order. */
  params: [string, string][];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class CaptureTemplater {
  private readonly t = new InventoryTemplater();

  observe(host: string, path: string): void {
    this.t.template(host, path);
  }

  match(host: string, path: string): TemplateMatch {
    const { template } = this.t.template(host, path);
    const segs = splitPath(path);
    const params: [string, string][] = [];
    template
      .split('/')
      .filter(Boolean)
      .forEach((seg, i) => {
        const m = /^\{([^}*]+)\}$/.exec(seg);
        if (m && segs[i] !== undefined) params.push([m[1] as string, safeDecode(segs[i] as string)]);
      });
    return { template, params };
  }
}
