/**
 * The routes a service serves (method and Fastify path pattern), so that a request for a known path with a method it
 * does not serve can be answered 405 Method Not Allowed with an `Allow` header (RFC 9110 §15.5.6) instead of 404.
 */
export class RouteTable {
  private readonly routes: Array<{ methods: string[]; pattern: RegExp }> = [];

  add(method: string | string[], path: string): void {
    const methods = (Array.isArray(method) ? method : [method]).map((m) => m.toUpperCase());
    this.routes.push({ methods, pattern: patternOf(path) });
  }

  /** The methods served at `url` (its query ignored), in registration order without repeats. */
  methodsAt(url: string): string[] {
    const path = url.split('?', 1)[0]!;
    const found = new Set<string>();
    for (const route of this.routes) {
      if (route.pattern.test(path)) for (const method of route.methods) found.add(method);
    }
    return [...found];
  }
}

/** `/verify/gtin/:gtin` → one path segment per parameter; `*` → the rest of the path. */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (segment === '*') return '.*';
      if (segment.startsWith(':')) return '[^/]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}/?$`);
}
