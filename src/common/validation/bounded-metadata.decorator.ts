import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isMinorAmount, MAX_MINOR_AMOUNT } from './minor-amount.decorator';

const METADATA_MAX_KEYS = 32;
const METADATA_MAX_BYTES = 8 * 1024;

/** What is wrong with a metadata value, or undefined when nothing is. */
function metadataProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be a JSON object';
  if (Object.keys(value).length > METADATA_MAX_KEYS) return `must have at most ${METADATA_MAX_KEYS} keys`;
  const { amount } = value as { amount?: unknown };
  if (typeof amount === 'number' && !isMinorAmount(amount, 0)) {
    return `amount must be an integer of minor units from 0 to ${MAX_MINOR_AMOUNT}`;
  }
  if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES)
    return `must be at most ${METADATA_MAX_BYTES} bytes`;
  return undefined;
}

/**
 * A free-form JSON object of at most 32 keys and 8 KiB, as the contract bounds `metadata`. Its `amount`, when
 * a number, is shown in the DM, so it is bounded like every other amount.
 */
export function BoundedMetadata(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'boundedMetadata',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args) => `${args.property} ${metadataProblem(args.value) ?? ''}`.trim(), ...options },
      validator: { validate: (value: unknown) => metadataProblem(value) === undefined },
    });
  };
}
