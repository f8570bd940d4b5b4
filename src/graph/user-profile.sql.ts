/** The rows of `user_profile` about `contact c`: by its BSUID, phone or parent BSUID (one index probe each). */
const ABOUT_CONTACT = `p.portfolio = c.portfolio
  AND (p.kind, p.value) IN (('bsuid', c.bsuid), ('msisdn', c.msisdn), ('parentBsuid', c.parent_bsuid))`;

/** The username `contact c` last showed, whichever of its identifiers it came with. */
export const CONTACT_USERNAME = `(SELECT p.username FROM user_profile p WHERE ${ABOUT_CONTACT} AND p.username IS NOT NULL
  ORDER BY p.username_at DESC LIMIT 1)`;

/** Whether `contact c` stopped marketing messages, as its latest choice says (null if never told). */
export const CONTACT_MARKETING_OPTED_OUT = `(SELECT p.marketing_opted_out FROM user_profile p
  WHERE ${ABOUT_CONTACT} AND p.marketing_at IS NOT NULL ORDER BY p.marketing_at DESC LIMIT 1)`;

/** The latest marketing choice of `contact c`, as `{"optedOut", "at"}`, or null. */
export const CONTACT_MARKETING = `(SELECT json_build_object('optedOut', p.marketing_opted_out, 'at', p.marketing_at)
  FROM user_profile p WHERE ${ABOUT_CONTACT} AND p.marketing_at IS NOT NULL ORDER BY p.marketing_at DESC LIMIT 1)`;
