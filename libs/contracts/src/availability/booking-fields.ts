import { z } from 'zod';

/**
 * The questions an event type asks whoever books it (SPEC §4b `bookingFields`), and the check of
 * a booking's answers against them. `name` and `email` are not questions: guests give them in
 * `guest`.
 */

export const BOOKING_FIELD_TYPES = [
  'text',
  'textarea',
  'email',
  'phone',
  'number',
  'url',
  'select',
  'multiselect',
  'checkbox',
] as const;
export type BookingFieldType = (typeof BOOKING_FIELD_TYPES)[number];

export const MAX_BOOKING_FIELDS = 20;
/** All of an event type's questions, serialized as JSON (UTF-8). */
export const MAX_BOOKING_FIELDS_BYTES = 32 * 1024;
export const TEXT_ANSWER_MAX = 500;
export const TEXTAREA_ANSWER_MAX = 5000;

const WITH_OPTIONS: ReadonlySet<BookingFieldType> = new Set(['select', 'multiselect']);

export const BookingField = z
  .strictObject({
    slug: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,39}$/, {
        message: 'must be a lowercase letter then up to 39 of a-z, 0-9 and _',
      })
      .describe('the key of the answer in a booking’s `responses`'),
    label: z.string().trim().min(1).max(200).describe('the question as shown, 1–200 characters'),
    type: z.enum(BOOKING_FIELD_TYPES, {
      message: `must be one of ${BOOKING_FIELD_TYPES.join(', ')}`,
    }),
    required: z.boolean().default(false),
    options: z
      .array(z.string().min(1).max(200))
      .min(1)
      .max(50)
      .optional()
      .describe('1–50 distinct choices of 1–200 characters; select and multiselect only'),
  })
  .superRefine((field, context) => {
    const needsOptions = WITH_OPTIONS.has(field.type);
    if (needsOptions && field.options === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['options'],
        message: `is required for ${field.type}`,
      });
    }
    if (!needsOptions && field.options !== undefined) {
      context.addIssue({
        code: 'custom',
        path: ['options'],
        message: `is not taken by ${field.type}`,
      });
    }
    field.options?.forEach((option, index) => {
      if (field.options!.indexOf(option) < index) {
        context.addIssue({
          code: 'custom',
          path: ['options', index],
          message: 'repeats an option',
        });
      }
    });
  });
export type BookingField = z.output<typeof BookingField>;

export const BookingFields = z
  .array(BookingField)
  .max(MAX_BOOKING_FIELDS, { message: `must hold at most ${MAX_BOOKING_FIELDS} questions` })
  .superRefine((fields, context) => {
    fields.forEach((field, index) => {
      if (fields.findIndex((other) => other.slug === field.slug) < index) {
        context.addIssue({ code: 'custom', path: [index, 'slug'], message: 'repeats a slug' });
      }
    });
    if (new TextEncoder().encode(JSON.stringify(fields)).length > MAX_BOOKING_FIELDS_BYTES) {
      context.addIssue({
        code: 'custom',
        message: `must be at most ${MAX_BOOKING_FIELDS_BYTES} bytes as JSON`,
      });
    }
  })
  .describe(`up to ${MAX_BOOKING_FIELDS} questions, slugs unique, at most 32 KiB as JSON`);

/** A question as records and events carry it. */
export const BookingFieldOut = z.object({
  slug: z.string(),
  label: z.string(),
  type: z.enum(BOOKING_FIELD_TYPES),
  required: z.boolean(),
  options: z.array(z.string()).optional(),
});

export interface ResponseFlaw {
  path: string;
  message: string;
}

// E.164: a plus, a country code not starting with 0, at most 15 digits in all.
const E164 = /^\+[1-9]\d{1,14}$/;
const PHONE_PUNCTUATION = /[\s\-()]/g;
const email = z.email();

/** Why `value` is not an answer of `field`'s type, or null when it is one. */
function answerFlaw(field: BookingField, value: unknown): string | null {
  switch (field.type) {
    case 'text':
    case 'textarea': {
      const max = field.type === 'text' ? TEXT_ANSWER_MAX : TEXTAREA_ANSWER_MAX;
      if (typeof value !== 'string') return 'must be a string';
      return value.length > max ? `must be at most ${max} characters` : null;
    }
    case 'email':
      return typeof value === 'string' && value.length <= 254 && email.safeParse(value).success
        ? null
        : 'must be an email address';
    case 'phone':
      return typeof value === 'string' && E164.test(value.replace(PHONE_PUNCTUATION, ''))
        ? null
        : 'must be a phone number in international form, e.g. +49 30 1234567';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'url':
      return typeof value === 'string' && isWebUrl(value) ? null : 'must be an http or https URL';
    case 'select':
      return typeof value === 'string' && field.options!.includes(value)
        ? null
        : `must be one of ${field.options!.join(', ')}`;
    case 'multiselect':
      if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list of options';
      if (!value.every((item) => typeof item === 'string' && field.options!.includes(item)))
        return `must hold only ${field.options!.join(', ')}`;
      return new Set(value).size === value.length ? null : 'must not repeat an option';
    case 'checkbox':
      return typeof value === 'boolean' ? null : 'must be true or false';
  }
}

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Whether a required question has an answer: present, and for text a non-blank one; a
 * required checkbox must be checked (`true`), as for a consent box (Cal.com does the same).
 */
function answered(field: BookingField, value: unknown): boolean {
  if (value === undefined) return false;
  if (field.type === 'checkbox') return value === true;
  if (typeof value === 'string') return value.trim().length > 0;
  return true;
}

/**
 * What is wrong with a booking's answers to an event type's questions (SPEC §4b), as field
 * errors `responses.<slug>`; empty when nothing is. Every required question answered, no
 * unknown slug, each value of its question's type.
 */
export function responseFlaws(
  fields: BookingField[],
  responses: Record<string, string | number | boolean | string[]> | undefined,
): ResponseFlaw[] {
  const given: Record<string, unknown> = responses ?? {};
  const flaws: ResponseFlaw[] = [];
  const bySlug = new Map(fields.map((field) => [field.slug, field]));
  for (const slug of Object.keys(given)) {
    if (!bySlug.has(slug)) {
      flaws.push({ path: `responses.${slug}`, message: 'is not a question of this event type' });
    }
  }
  for (const field of fields) {
    // Own answers only: a slug such as `constructor` must not find Object.prototype's.
    const value = Object.hasOwn(given, field.slug) ? given[field.slug] : undefined;
    const path = `responses.${field.slug}`;
    if (field.required && !answered(field, value)) {
      flaws.push({ path, message: field.type === 'checkbox' ? 'must be checked' : 'is required' });
      continue;
    }
    const flaw = value === undefined ? null : answerFlaw(field, value);
    if (flaw) flaws.push({ path, message: flaw });
  }
  return flaws;
}
