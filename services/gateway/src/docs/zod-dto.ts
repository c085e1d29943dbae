import { createZodDto as createNestjsZodDto, type ZodDto } from 'nestjs-zod';
import type { z } from 'zod';

/**
 * nestjs-zod's `createZodDto`, with one repair of what it hands to @nestjs/swagger
 * (nestjs-zod issue #473, open in 5.5.0): zod 4.5 and later write a bare nullable field as
 * `type: ["string", "null"]`, and swagger reads an array-valued `type` on a DTO property as
 * "an array of", so `notes: string | null` came out as `string[]`. Such a property is restated
 * as the equivalent `anyOf` (the form zod wrote before 4.5, which nestjs-zod handles) before
 * swagger reads it. Nested schemas are not swagger's to read and keep zod's form, valid in 3.1.
 */
export function createZodDto<TSchema extends z.ZodType>(schema: TSchema): ZodDto<TSchema, false> {
  const Dto = createNestjsZodDto(schema);
  const properties = Dto._OPENAPI_METADATA_FACTORY.bind(Dto);
  return Object.assign(Dto, {
    _OPENAPI_METADATA_FACTORY: () => restateTypeArrays(properties()),
  });
}

function restateTypeArrays(properties: unknown): unknown {
  if (typeof properties !== 'object' || properties === null) return properties;
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [name, restateTypeArray(property)]),
  );
}

function restateTypeArray(property: unknown): unknown {
  if (typeof property !== 'object' || property === null) return property;
  const { type, ...rest } = property as { type?: unknown };
  if (!Array.isArray(type)) return property;
  // An empty `type` is nestjs-zod's own marker for "no type here"; cleanupOpenApiDoc drops it.
  return { ...rest, type: '', anyOf: type.map((member: unknown) => ({ type: member })) };
}
