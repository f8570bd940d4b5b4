/**
 * From each of the contacts `$2` (in portfolio `$1`) along `merged_into` to the contact that holds
 * its identifiers now. `start` names where each chain began; a chain is at most 32 merges long.
 */
export const SURVIVOR_CHAIN = `WITH RECURSIVE chain(start, id, merged_into, depth) AS (
    SELECT id, id, merged_into, 0 FROM contact WHERE portfolio = $1 AND id = ANY($2::uuid[])
    UNION ALL
    SELECT chain.start, c.id, c.merged_into, chain.depth + 1
    FROM chain JOIN contact c ON c.portfolio = $1 AND c.id = chain.merged_into
    WHERE chain.depth < 32)`;
