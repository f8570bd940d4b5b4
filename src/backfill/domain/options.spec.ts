import { DEFAULT_CHUNK, parseOptions } from './options';

describe(parseOptions.name, () => {
  it.each([
    [['a.ndjson', 'b.json.gz'], { files: ['a.ndjson', 'b.json.gz'], chunk: DEFAULT_CHUNK }],
    [['--chunk', '200', '--state', 's.json', 'a'], { files: ['a'], chunk: 200, state: 's.json' }],
    [['--stop-after', '3', '--', '--odd-name'], { files: ['--odd-name'], chunk: DEFAULT_CHUNK, stopAfter: 3 }],
  ])('reads %j', (argv, expected) => {
    expect(parseOptions(argv)).toEqual(expected);
  });

  it.each([
    [[], 'no FILE given'],
    [['--chunk', '0', 'a'], '--chunk needs a whole number of 1 or more'],
    [['--chunk', '50000', 'a'], '--chunk is at most 20000'],
    [['--state'], '--state needs a file'],
    [['--fast', 'a'], 'unknown option --fast'],
  ])('refuses %j', (argv, problem) => {
    expect(parseOptions(argv)).toBe(problem);
  });

  it('answers help', () => {
    expect(parseOptions(['a', '--help'])).toEqual({ help: true });
  });
});
