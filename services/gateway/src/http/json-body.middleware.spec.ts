import { MAX_BODY_DEPTH, flawOfBody } from './json-body.middleware';

/** Arrays nested `levels` deep around `inner`: `[[inner]]` is two levels. */
function nestedArrays(levels: number, inner: unknown = 1): unknown {
  let value = inner;
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

describe('what keeps a parsed body from validation', () => {
  it('finds nothing in an ordinary body', () => {
    expect(flawOfBody({ email: 'a@b.c', tags: ['x', 'y'], n: 1, ok: true, none: null })).toBe(null);
    expect(flawOfBody('text')).toBe(null);
    expect(flawOfBody(undefined)).toBe(null);
  });

  it('names the field whose text or key holds U+0000, the whole body as "(body)"', () => {
    expect(flawOfBody({ guest: { name: 'a\0b' } })).toEqual({ kind: 'nul', path: 'guest.name' });
    expect(flawOfBody({ responses: { 'sl\0ug': 'x' } })).toEqual({
      kind: 'nul',
      path: 'responses.sl\0ug',
    });
    expect(flawOfBody({ tags: ['ok', 'n\0'] })).toEqual({ kind: 'nul', path: 'tags.1' });
    expect(flawOfBody('\0')).toEqual({ kind: 'nul', path: '(body)' });
  });

  it('reports the first flaw in document order', () => {
    expect(flawOfBody({ a: { b: 'x\0' }, c: '\0', 'd\0': 1 })).toEqual({
      kind: 'nul',
      path: 'a.b',
    });
    expect(flawOfBody([nestedArrays(MAX_BODY_DEPTH), '\0'])).toEqual({ kind: 'too-deep' });
    expect(flawOfBody(['\0', nestedArrays(MAX_BODY_DEPTH)])).toEqual({ kind: 'nul', path: '0' });
  });

  it(`lets arrays and objects nest ${MAX_BODY_DEPTH} levels deep, and no deeper`, () => {
    expect(flawOfBody(nestedArrays(MAX_BODY_DEPTH))).toBe(null);
    expect(flawOfBody(nestedArrays(MAX_BODY_DEPTH + 1))).toEqual({ kind: 'too-deep' });
    const objects = (levels: number) =>
      JSON.parse('{"a":'.repeat(levels) + '1' + '}'.repeat(levels));
    expect(flawOfBody(objects(MAX_BODY_DEPTH))).toBe(null);
    expect(flawOfBody(objects(MAX_BODY_DEPTH + 1))).toEqual({ kind: 'too-deep' });
  });

  it('walks a body nested far deeper than any call stack without overflowing its own', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000));
    expect(flawOfBody(deep)).toEqual({ kind: 'too-deep' });
    expect(flawOfBody(deep, Infinity)).toBe(null);
  });
});
