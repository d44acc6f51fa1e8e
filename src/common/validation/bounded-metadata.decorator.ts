import { registerDecorator, type ValidationOptions } from 'class-validator';

export const METADATA_MAX_KEYS = 32;
export const METADATA_MAX_BYTES = 8 * 1024;

/** A free-form JSON object of at most 32 keys and 8 KiB, as the contract bounds `metadata`. */
export function BoundedMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'boundedMetadata',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be a JSON object of at most ${METADATA_MAX_KEYS} keys and ${METADATA_MAX_BYTES} bytes`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          if (Object.keys(value).length > METADATA_MAX_KEYS) return false;
          return Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES;
        },
      },
    });
  };
}
