import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { ContextMenu, MessageComponent, Modal, SlashCommand, Subcommand } from 'necord';
import { InteractionTelemetryInterceptor } from '../src/discord/interaction.telemetry';

/** The necord decorators whose methods answer an interaction (listeners and text commands do not). */
const HANDLER_KEYS = [SlashCommand.KEY, Subcommand.KEY, ContextMenu.KEY, MessageComponent.KEY, Modal.KEY];

type Class = abstract new (...args: never[]) => unknown;

/** Every class exported by a `*.commands.ts` file under src/ that has a method answering interactions. */
async function handlerClasses(): Promise<Class[]> {
  const src = join(__dirname, '..', 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.commands.ts'));
  const modules = await Promise.all(files.map((file) => import(join(src, file)) as Promise<Record<string, unknown>>));
  return modules.flatMap((exported) =>
    Object.values(exported).filter((value): value is Class => {
      if (typeof value !== 'function') return false;
      const prototype = value.prototype as Record<string, unknown>;
      return Object.getOwnPropertyNames(prototype).some((name) =>
        HANDLER_KEYS.some((key) => typeof prototype[name] === 'function' && Reflect.hasMetadata(key, prototype[name])),
      );
    }),
  );
}

describe(InteractionTelemetryInterceptor.name, () => {
  it('should be declared on every class that answers interactions (MemberCommand, AdminCommand, AdminButtons)', async () => {
    const classes = await handlerClasses();
    expect(classes.length).toBeGreaterThan(10);
    const without = classes
      .filter((type) => {
        const interceptors = (Reflect.getMetadata(INTERCEPTORS_METADATA, type) ?? []) as unknown[];
        return !interceptors.includes(InteractionTelemetryInterceptor);
      })
      .map((type) => type.name);
    expect(without).toEqual([]);
  });
});
