import fc from 'fast-check';
import type { Directory } from '../../contacts/domain/directory';
import { planDestinations, PlanOptions } from './destination-plan';
import { checkMessageRequest } from './message-request';

const NO_ONE: Directory = { contacts: new Map(), foreign: new Set() };
const options: PlanOptions = {
  region: 'SE',
  prefer: 'msisdn',
  authentication: false,
  unknownTemplate: false,
  freeForm: false,
  careWindowPolicy: false,
  skipInvalidPolicy: false,
  skipMarketingOptOut: false,
  now: new Date('2026-06-10T12:00:00Z'),
};
/** Destinations as a send pipeline may write them: numbers in several forms, BSUIDs, junk. */
const destination = fc.oneof(
  fc.integer({ min: 0, max: 50 }).map((n) => `+4670${String(n).padStart(7, '0')}`),
  fc.integer({ min: 0, max: 50 }).map((n) => `0046 70 ${String(n).padStart(7, '0')}`),
  fc.integer({ min: 0, max: 50 }).map((n) => `SE.${1000 + n}`),
  fc.anything(),
);

describe('planning destinations, for any list', () => {
  it('answers each input once, in order, and sends each person once, in order of first appearance', () => {
    fc.assert(
      fc.property(fc.array(destination, { maxLength: 60 }), (inputs) => {
        const plan = planDestinations(inputs, NO_ONE, options);
        expect(plan.report).toHaveLength(inputs.length);
        plan.report.forEach((entry, index) => expect(entry.input).toBe(inputs[index]));
        expect(new Set(plan.destinations).size).toBe(plan.destinations.length);
        const firstUse = plan.destinations.map((_, position) => plan.positions.indexOf(position));
        expect(firstUse).toEqual([...firstUse].sort((a, b) => a - b));
        plan.positions.forEach((position, index) => {
          if (position === null) expect(plan.report[index].action).toBe('rejected');
          else expect(plan.report[index].sendAs).toBe(plan.destinations[position]);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('checks any body as a MessageRequest without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (body) => {
        expect(Array.isArray(checkMessageRequest(body))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
