// How a route template is assembled from what Express assigns on the request, with the
// assignments replayed in the order Express 4's router and Express 5's `router` make them.
import { describe, expect, it } from 'vitest';
import { errorHandler, observability } from '../src/index.ts';
import { errorStatus } from '../src/error-status.ts';
import { joinRouteTemplate, routePathText, watchRouteTemplate } from '../src/route-template.ts';

function watched() {
  const request: { baseUrl?: unknown; route?: unknown; params?: unknown } = { baseUrl: '', params: {} };
  const named: string[] = [];
  watchRouteTemplate(request, (template) => named.push(template));
  /** A router mounted at `rawPrefix` with these parameters is entered. */
  const enter = (rawPrefix: string, params: Record<string, unknown> = {}) => {
    request.params = params;
    request.baseUrl = rawPrefix;
  };
  const matchRoute = (path: unknown, params: Record<string, unknown> = {}) => {
    request.route = { path };
    request.params = params;
  };
  return { request, named, enter, matchRoute };
}

describe('watchRouteTemplate', () => {
  it('joins mount templates and the route path', () => {
    const { named, enter, matchRoute } = watched();
    enter('/rest');
    enter('/rest/users');
    matchRoute('/:id');
    expect(named).toEqual(['/rest/users/:id']);
  });

  it('turns parameter values of a mount path back into their names', () => {
    const { named, enter, matchRoute } = watched();
    enter('/orgs/acme%20co', { org: 'acme co' });
    // mergeParams: the outer value comes along and must not be substituted again.
    enter('/orgs/acme%20co/teams/acme%20co', { org: 'acme co', team: 'acme co' });
    matchRoute('/members/:member');
    expect(named).toEqual(['/orgs/:org/teams/:team/members/:member']);
  });

  it('keeps static segments that merely look like a parameter elsewhere', () => {
    const { named, enter, matchRoute } = watched();
    enter('/v1/users/1', { id: '1' });
    matchRoute('/');
    expect(named).toEqual(['/v1/users/:id']);
  });

  it('recognises wildcard values spanning several segments', () => {
    const { named, enter, matchRoute } = watched();
    enter('/files/a/b/c', { rest: ['a', 'b', 'c'] });
    matchRoute('/meta');
    expect(named).toEqual(['/files/:rest/meta']);
  });

  it('goes back to the outer template when a router is left', () => {
    const { request, named, enter, matchRoute } = watched();
    enter('/a');
    enter('/a/b');
    request.baseUrl = '/a';
    request.baseUrl = '';
    enter('/a', { section: 'a' });
    matchRoute('/items');
    expect(named).toEqual(['/:section/items']);
  });

  it('names the request after the last route that matched', () => {
    const { named, matchRoute } = watched();
    matchRoute('/chain/:step');
    matchRoute(['/chain/:step', '/other']);
    expect(named).toEqual(['/chain/:step', '/chain/:step,/other']);
  });

  it('leaves a frozen request alone', () => {
    expect(() => watchRouteTemplate(Object.freeze({ baseUrl: '' }), () => {})).not.toThrow();
  });
});

describe('routePathText and joinRouteTemplate', () => {
  it.each([
    ['/users/:id', '/users/:id'],
    [/^\/files\/(\d+)$/, '/^\\/files\\/(\\d+)$/'],
    [['/a', /b/, ['/c']], '/a,/b/,/c'],
    [42, undefined],
  ])('%s reads as %s', (path, text) => {
    expect(routePathText(path)).toBe(text);
  });

  it.each([
    ['', '/', '/'],
    ['', '/users', '/users'],
    ['/users', '/', '/users'],
    ['/v2', '*', '/v2/*'],
    ['/v2', '/items', '/v2/items'],
  ])('%s + %s = %s', (mount, path, joined) => {
    expect(joinRouteTemplate(mount, path)).toBe(joined);
  });
});

describe('errorStatus', () => {
  it.each([
    [{ status: 404 }, 200, 404],
    [{ statusCode: 503 }, 200, 503],
    [{ status: 302, statusCode: 409 }, 200, 409],
    [{ status: '500' }, 200, 500],
    [new Error('plain'), 200, 500],
    [new Error('plain'), 418, 418],
    ['a string', 200, 500],
    [undefined, 200, 500],
  ])('%o with response status %i answers %i, as finalhandler does', (error, responseStatus, status) => {
    expect(errorStatus(error, responseStatus)).toBe(status);
  });
});

describe('without initObservability()', () => {
  it('observability() says how to initialise', () => {
    expect(() => observability()).toThrow(/initObservability\(\)/);
  });

  it('errorHandler() still passes errors on', () => {
    const error = new Error('no tracewire');
    const forwarded: unknown[] = [];
    const handler = errorHandler();
    handler(error, {} as never, { statusCode: 200 } as never, (err?: unknown) => forwarded.push(err));
    expect(forwarded).toEqual([error]);
  });
});
