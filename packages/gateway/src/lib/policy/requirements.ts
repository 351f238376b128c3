/**
 * A rule's token requirements, `scopes`, `scopeMatch`, `claims` and `stepUp`, in core's own names
 * and checked by core's own validator, so the gateway refuses exactly what the middleware refuses.
 * Policy-file additions: a list as a claim's value means "one of these", and `stepUp` groups the
 * sign-in requirements of RFC 9470 (core's `acrValues` and `maxAge`).
 */
import {
  type ClaimRequirement,
  isTokenwardError,
  type VerifyAccessTokenOptions,
  validateAuthRequirements,
} from '@tokenward/core';
import { checkKnownMembers, describeValue, isRecord, type PlainRecord } from './fields.js';
import { coreMessage, type FieldPath, fieldName, type IssueList } from './issues.js';

export const REQUIREMENT_FIELDS = ['scopes', 'scopeMatch', 'claims', 'stepUp'] as const;
/** `stepUp: { acrValues, maxAge }`: core's step-up requirements under one policy field. */
const STEP_UP_FIELDS = ['acrValues', 'maxAge'] as const;

type Primitive = string | number | boolean;

/** Reads the requirement fields of `record`; reports problems and returns `undefined` then. */
export function readRequirements(
  record: PlainRecord,
  at: FieldPath,
  issues: IssueList,
): VerifyAccessTokenOptions | undefined {
  const before = issues.size;
  const fields: Record<string, unknown> = {};
  for (const name of REQUIREMENT_FIELDS) {
    if (record[name] === undefined) continue;
    if (name === 'stepUp') {
      Object.assign(fields, readStepUp(record.stepUp, [...at, 'stepUp'], issues));
      continue;
    }
    const found = issues.size;
    const value =
      name === 'claims' ? claimsWithOneOf(record.claims, [...at, 'claims'], issues) : record[name];
    if (issues.size !== found) continue;
    // Each field on its own first, so a problem is reported at the field's own line.
    if (check({ [name]: value }, [...at, name], issues) !== undefined) fields[name] = value;
  }
  if (issues.size !== before) return undefined;
  return check(fields, at, issues);
}

function check(fields: Record<string, unknown>, at: FieldPath, issues: IssueList) {
  try {
    return validateAuthRequirements(fields, fieldName(at));
  } catch (error) {
    if (!isTokenwardError(error)) throw error;
    // Core's message starts with the `where` it was given; the issue line names the field already.
    issues.add(at, coreMessage(error.message).replace(`${fieldName(at)}: `, ''));
    return undefined;
  }
}

/**
 * `stepUp: { acrValues: [...], maxAge: <seconds> }` as core's `acrValues` and `maxAge`: a token
 * whose `acr` is not one of `acrValues`, or whose `auth_time` is older than `maxAge`, is refused
 * 401 `insufficient_user_authentication` with the challenge telling the client what to ask for.
 */
function readStepUp(value: unknown, at: FieldPath, issues: IssueList): Record<string, unknown> {
  if (!isRecord(value)) {
    issues.add(at, `must be { acrValues: [...], maxAge: <seconds> }; found ${describeValue(value)}`);
    return {};
  }
  checkKnownMembers(value, STEP_UP_FIELDS, at, issues);
  if (!STEP_UP_FIELDS.some((name) => value[name] !== undefined)) {
    issues.add(at, 'must name acrValues, maxAge or both');
    return {};
  }
  const fields: Record<string, unknown> = {};
  for (const name of STEP_UP_FIELDS) {
    if (value[name] === undefined) continue;
    // Each on its own, so a problem is reported at the field's own line in core's words.
    if (check({ [name]: value[name] }, [...at, name], issues) !== undefined) fields[name] = value[name];
  }
  return fields;
}

function claimsWithOneOf(value: unknown, at: FieldPath, issues: IssueList): unknown {
  if (!isRecord(value)) return value;
  const claims: Record<string, unknown> = {};
  for (const [name, requirement] of Object.entries(value)) {
    if (!Array.isArray(requirement)) {
      claims[name] = requirement;
      continue;
    }
    const bad = requirement.findIndex((item) => !isPrimitive(item));
    if (requirement.length === 0 || bad !== -1) {
      issues.add(
        [...at, name],
        `a list means "one of these values" and needs strings, numbers or booleans; found ${
          requirement.length === 0 ? 'an empty list' : describeValue(requirement[bad])
        }`,
      );
      continue;
    }
    claims[name] = oneOf(requirement as Primitive[]);
  }
  return claims;
}

/** The claim equals one of `values` (`===`, as core compares a single value). */
function oneOf(values: readonly Primitive[]): ClaimRequirement {
  const allowed = Object.freeze([...values]);
  return (value) => allowed.includes(value as Primitive);
}

function isPrimitive(value: unknown): value is Primitive {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
