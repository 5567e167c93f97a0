import { aPackage, aPublishedList } from './manifest-builders.js';
import { parsePublishedList } from './published-list.js';

const file = 'published.json';
const text = (value: unknown) => JSON.stringify(value);

describe('parsePublishedList', () => {
  it('reads the list publish-artifact writes', () => {
    const list = aPublishedList([aPackage('@acme/core', '1.3.0')]);
    expect(parsePublishedList(text(list), file)).toEqual(list);
  });

  it.each([
    ['not JSON', '{', undefined, /not JSON/],
    [
      'another schema version',
      text({ ...aPublishedList([]), schemaVersion: 2 }),
      'schemaVersion',
      /schemaVersion 2/,
    ],
    ['another kind', text({ ...aPublishedList([]), kind: 'ReleasePlan' }), 'kind', /schema/],
    [
      'a missing commit',
      text({ ...aPublishedList([]), source: { repository: 'acme/platform' } }),
      'source.commit',
      /schema/,
    ],
    [
      'an unknown item kind',
      text(aPublishedList([{ ...aPackage('a', '1.0.0'), kind: 'gem' as never }])),
      'items[0].kind',
      /schema/,
    ],
    [
      'an item without skipped',
      text(aPublishedList([{ ...aPackage('a', '1.0.0'), skipped: undefined as never }])),
      'items[0].skipped',
      /schema/,
    ],
    [
      'a component name with shell metacharacters',
      text(aPublishedList([aPackage('x; rm -rf ~', '1.0.0')])),
      'items[0].component',
      /letters, digits/,
    ],
    [
      'a component listed twice',
      text(aPublishedList([aPackage('a', '1.0.0'), aPackage('a', '1.0.1')])),
      'items[1].component',
      /twice/,
    ],
  ])('refuses %s, naming the field', (_case, input, field, message) => {
    expect(() => parsePublishedList(input, file)).toThrow(
      expect.objectContaining({ kind: 'input', file, field, message: expect.stringMatching(message) }),
    );
  });
});
