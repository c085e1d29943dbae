/**
 * The OpenAPI `security` of an operation that serves callers without a token too (guests,
 * SPEC §4b/§5b): a token is optional, and changes the answer.
 */
export const TOKEN_OPTIONAL: Array<Record<string, string[]>> = [{ bearer: [] }, {}];

/** The OpenAPI `security` of an operation that takes no access token at all. */
export const NO_TOKEN: Array<Record<string, string[]>> = [];
