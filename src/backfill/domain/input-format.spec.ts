import { BodySplitter, detectFormat, isGzip, RawBody } from './input-format';

/** Splits `text` fed in pieces of `size` characters. */
function split(text: string, size = text.length): RawBody[] {
  const splitter = new BodySplitter();
  const bodies: RawBody[] = [];
  for (let i = 0; i < text.length; i += size) bodies.push(...splitter.push(text.slice(i, i + size)));
  return [...bodies, ...splitter.end()];
}

describe(isGzip.name, () => {
  it.each([
    [[0x1f, 0x8b, 0x08], true],
    [[0x7b, 0x22], false],
    [[0x1f], false],
  ])('reads %j as gzip: %s', (bytes, expected) => {
    expect(isGzip(Uint8Array.from(bytes))).toBe(expected);
  });
});

describe(detectFormat.name, () => {
  it.each([
    ['  \n[{"a":1}]', 'json-array'],
    ['{"a":1}\n{"a":2}', 'ndjson'],
    ['\n\n  ', undefined],
  ])('reads %j as %s', (text, expected) => {
    expect(detectFormat(text)).toBe(expected);
  });
});

describe(BodySplitter.name, () => {
  it.each([1, 3, 1000])('splits NDJSON into lines with their numbers, fed %i characters at a time', (size) => {
    expect(split('{"a":1}\n\n{"b":"x\\ny"}\r\nnot json\n{"c":3}', size)).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 3, text: '{"b":"x\\ny"}\r' },
      { line: 4, text: 'not json' },
      { line: 5, text: '{"c":3}' },
    ]);
  });

  it.each([1, 4, 1000])('splits a JSON array into its elements with the line each starts on, fed %i characters at a time', (size) => {
    const text = '[\n  {"a": "]}\\"{"},\n  {"b": [1, {"c": 2}]}, 7, "text",\n  {"d": 4}\n]\n';
    expect(split(text, size)).toEqual([
      { line: 2, text: '{"a": "]}\\"{"}' },
      { line: 3, text: '{"b": [1, {"c": 2}]}' },
      { line: 3, text: '7' },
      { line: 3, text: '"text"' },
      { line: 4, text: '{"d": 4}' },
    ]);
  });

  it('reads arrays one after the other as one', () => {
    expect(split('[{"a":1}]\n[{"b":2}]')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '{"b":2}' },
    ]);
  });

  it('reports an array cut short, and text after an array, with their lines', () => {
    expect(split('[{"a":1},\n{"b":')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, error: 'the file ends inside the JSON array' },
    ]);
    expect(split('[{"a":1}]\nnope\n{"b":2}')).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, error: 'text after the end of the JSON array: the rest of the file is not read' },
    ]);
  });
});
