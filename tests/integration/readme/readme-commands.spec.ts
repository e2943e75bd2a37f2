import { bashCommands, relativeLinks } from './readme-commands';

const fence = '```';

describe('bashCommands', () => {
  it('takes every line of every bash block, joins continuations and leaves comments out', () => {
    const markdown = [
      '# Title',
      `${fence}bash`,
      'TOKEN=$(npx pedigree token --role manufacturer)   # a token',
      '# a comment line',
      '',
      "curl -X POST -H 'A: b' \\",
      "     --data @events.jsonld 'http://x/#frag' \\",
      '     -o out.json        # 202',
      fence,
      `${fence}json`,
      '{"not": "a command"}',
      fence,
      `${fence}bash`,
      'echo "# not a comment" \'# nor this\' a#b',
      fence,
    ].join('\n');
    expect(bashCommands(markdown)).toEqual([
      { block: 1, line: 3, text: 'TOKEN=$(npx pedigree token --role manufacturer)' },
      {
        block: 1,
        line: 6,
        text: "curl -X POST -H 'A: b' --data @events.jsonld 'http://x/#frag' -o out.json",
      },
      { block: 2, line: 14, text: 'echo "# not a comment" \'# nor this\' a#b' },
    ]);
  });

  it('refuses a command whose quote is never closed', () => {
    expect(() => bashCommands(`${fence}bash\necho 'open\n${fence}\n`)).toThrow("unterminated ' quote");
  });
});

describe('relativeLinks', () => {
  it('keeps the links into the repository, without their fragment', () => {
    const markdown =
      'See [`a`](docs/a.md), [b](docs/b.md#part), [web](https://example.org/x), [here](#tests) and [c](standards/).';
    expect(relativeLinks(markdown)).toEqual(['docs/a.md', 'docs/b.md', 'standards/']);
  });
});
