/**
 * The ErrorResponse bodies the API answers, in LINK's shape (DESIGN.md). The description is free text
 * except for validation, so tests pin only the resultCode; translatedDescription is always null.
 * Build them inside a test file (they use jest's `expect`), and never change them in place: every spec
 * shares these objects.
 */
export const linkError = (resultCode: number) => ({ resultCode, description: expect.any(String), translatedDescription: null });

/** 401: no key, or one that is not known. */
export const unauthorized = linkError(112400);
/** 403: the key lacks the role, or does not reach the portfolio. */
export const noAccess = linkError(112401);
/** 404: no such contact, conflict, history row or portfolio. */
export const notFound = linkError(112904);
/** 409: the change clashes with what is there (a settled conflict, a superseded merge, a number another portfolio owns). */
export const conflict = linkError(112909);

/** 400 naming exactly one field at fault. */
export const validation = (field: string) => ({
  resultCode: 112506,
  description: 'Validation error',
  translatedDescription: null,
  fields: [{ field, message: expect.any(String) }],
});

/** 400 naming `field` among the fields at fault: for input that more than one check may refuse. */
export const validationIncluding = (field: string) => ({
  ...validation(field),
  fields: expect.arrayContaining([{ field, message: expect.any(String) }]),
});
