import type { Observation } from '../../graph/domain/observation';
import { CommittedPrefix, namedIdentifiers, overlap } from './chunk-window';

const obs = (fields: Partial<Observation>): Observation => ({ portfolio: 'acme', ...fields }) as Observation;

describe(namedIdentifiers.name, () => {
  it('names each identifier once, by portfolio and kind', () => {
    const named = namedIdentifiers([
      { observations: [obs({ msisdn: '+46700000001', bsuid: 'SE.1' }), obs({ bsuid: 'SE.1' })] },
      { observations: [obs({ portfolio: 'globex', bsuid: 'SE.1' }), obs({ parentBsuid: 'SE.1' })] },
    ]);
    expect(named.size).toBe(4);
  });
});

describe(overlap.name, () => {
  const a = namedIdentifiers([{ observations: [obs({ msisdn: '+46700000001', bsuid: 'SE.1' })] }]);

  it('finds an identifier both chunks name', () => {
    expect(overlap(a, namedIdentifiers([{ observations: [obs({ bsuid: 'SE.1' })] }]))).toBe(true);
  });

  it.each([
    ['another value', obs({ bsuid: 'SE.2' })],
    ['the same value as another kind', obs({ parentBsuid: 'SE.1' })],
    ['the same value in another portfolio', obs({ portfolio: 'globex', bsuid: 'SE.1' })],
  ])('finds none for %s', (_, other) => {
    expect(overlap(a, namedIdentifiers([{ observations: [other] }]))).toBe(false);
  });
});

describe(CommittedPrefix.name, () => {
  it('hands a chunk on only once every chunk before it has committed', () => {
    const prefix = new CommittedPrefix<string>(10);
    expect(prefix.finish(15, 5, 'second')).toEqual([]);
    expect(prefix.committed).toBe(10);
    expect(prefix.finish(10, 5, 'first')).toEqual(['first', 'second']);
    expect(prefix.committed).toBe(20);
    expect(prefix.finish(20, 3, 'third')).toEqual(['third']);
    expect(prefix.committed).toBe(23);
  });
});
