import { RouteTable } from './route-table';

describe('RouteTable', () => {
  const routes = new RouteTable();
  routes.add('GET', '/verify/gtin/:gtin/lot/:lot/ser/:serial');
  routes.add('HEAD', '/verify/gtin/:gtin/lot/:lot/ser/:serial');
  routes.add(['POST', 'get'], '/capture');
  routes.add('GET', '/capture/:captureID');
  routes.add('GET', '/docs/*');

  it('finds the methods of a path with parameters, ignoring the query', () => {
    expect(routes.methodsAt('/verify/gtin/10614141073464/lot/L1/ser/S1?exp=281231')).toEqual(['GET', 'HEAD']);
  });

  it('matches parameters one segment each, and literal segments exactly', () => {
    expect(routes.methodsAt('/verify/gtin/1/lot/2/ser/3/extra')).toEqual([]);
    expect(routes.methodsAt('/verify/gtin/1/lot/2')).toEqual([]);
    expect(routes.methodsAt('/capture')).toEqual(['POST', 'GET']);
    expect(routes.methodsAt('/capture/abc')).toEqual(['GET']);
    expect(routes.methodsAt('/capturex')).toEqual([]);
  });

  it('lets a wildcard take the rest of the path', () => {
    expect(routes.methodsAt('/docs/static/index.html')).toEqual(['GET']);
  });

  it('knows nothing of paths it was not given', () => {
    expect(routes.methodsAt('/nowhere')).toEqual([]);
  });
});
