// Carries out parsed sandbox lines against the running simulator, demo backend and bot, and prints what
// Discord would show: the interaction's answer, then DMs, role changes and channel messages since the last line.
import type { DemoBackend, DemoInvoice } from '../demo-backend/demo-backend';
import { SimError, type DiscordSim, type InteractionView, type SimMessage } from '../discord-sim/sim-client';
import { ButtonsMessages, chooseButton } from './click';
import { changeHeading, EditWatch } from './edits';
import { helpLines } from './help';
import type { Action } from './line-parser';
import {
  buttonsOf,
  contextFromWorld,
  diffRoles,
  renderDm,
  renderHttp,
  renderInteraction,
  renderMarkup,
  renderMessage,
  type RenderContext,
  type RoleSnapshot,
} from './render';

export interface SandboxDeps {
  sim: DiscordSim;
  backend: DemoBackend;
  /** The bot's internal API. */
  url: string;
  secret: string;
  /** Where output lines go. */
  out: (line: string) => void;
  /** Longest wait for an interaction's final answer (default 12 s: backend reads retry for up to 8 s). */
  interactionTimeoutMs?: number;
  /** Quiet time after which an action is considered settled (default 400 ms). */
  quietMs?: number;
  /** Longest settle (default 5 s). */
  settleMaxMs?: number;
}

/** An error to show the person (not a bug of the sandbox). */
export class ActionError extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The simulator's complaint, without the control-API plumbing. */
function simMessage(error: unknown): string {
  if (error instanceof SimError) {
    const body = error.body as { error?: unknown } | undefined;
    return typeof body?.error === 'string' ? body.error : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

export class Sandbox {
  private readonly sim: DiscordSim;
  private readonly backend: DemoBackend;
  private readonly out: (line: string) => void;
  /** Who runs slash commands and clicks without `as` (the last one named). */
  currentUser = 'alice';
  /** Discord languages set by `locale` on a line, by user (else their Discord's, from the world). */
  private readonly locales = new Map<string, string>();
  private readonly withButtons = new ButtonsMessages();
  /** Interaction messages shown, watched for later edits (a deferred reply finished later, an expiry). */
  private readonly interactionMessages = new EditWatch();
  private seenDms = new Map<string, string | null>();
  private seenChannel = new Map<string, string | null>();
  private roles: RoleSnapshot = {};
  private dmClosed: string[] = [];
  private seq = 0;

  constructor(private readonly deps: SandboxDeps) {
    this.sim = deps.sim;
    this.backend = deps.backend;
    this.out = deps.out;
  }

  /** World user names (the bot excluded). */
  get users(): string[] {
    const bot = this.sim.world.botName;
    return Object.keys(this.sim.world.users).filter((n) => n !== bot);
  }

  /** Takes the current state as "already seen", so the first line only shows what it caused. */
  async init(): Promise<void> {
    await this.collectSideEffects(false);
  }

  async run(action: Action): Promise<void> {
    switch (action.kind) {
      case 'slash':
        return this.slash(action);
      case 'click':
        return this.click(action);
      case 'notify':
        return this.post('/internal/notify', {
          discord_id: this.id(action.user),
          action: action.action,
          ...(action.plan !== undefined ? { plan: action.plan } : {}),
          ...(Object.keys(action.metadata).length ? { metadata: action.metadata } : {}),
        });
      case 'invoice':
        return this.post('/internal/invoices/notify', {
          discord_id: this.id(action.user),
          event: action.event,
          invoice: this.invoiceFor(action.user, action.event),
        });
      case 'refund-notify':
        return this.post('/internal/refunds/notify', {
          discord_id: this.id(action.user),
          refund_id: `re_sandbox_${Date.now().toString(36)}_${++this.seq}`,
          amount: action.amount,
          currency: action.currency,
          ...(action.reason !== undefined ? { reason: action.reason } : {}),
        });
      case 'roles':
        return this.post('/internal/roles/update', { discord_id: this.id(action.user), plan: action.plan });
      case 'refresh':
        return this.post('/internal/subscription/refresh', { discord_id: this.id(action.user) });
      case 'join':
        await this.guard(() => this.sim.memberJoin(this.sim.world.guildId, action.user));
        return this.afterAction();
      case 'leave':
        await this.guard(() => this.sim.memberLeave(this.sim.world.guildId, action.user));
        return this.afterAction();
      case 'dms':
        return this.showDms(action.user);
      case 'member':
        return this.showMember(action.user);
      case 'fault':
        await this.fault(action);
        return this.afterAction();
      case 'wait':
        await sleep(action.ms);
        return this.afterAction();
      case 'help':
        return this.help();
      case 'quit':
        return;
    }
  }

  // ---------------------------------------------------------------- interactions

  private async slash(a: Extract<Action, { kind: 'slash' }>): Promise<void> {
    const user = a.user ?? this.currentUser;
    this.currentUser = user;
    if (a.locale !== undefined && a.locale !== this.localeOf(user)) {
      this.locales.set(user, a.locale);
      this.out(`(${user}'s Discord is in ${a.locale} from now on)`);
    }
    const handle = await this.guard(() =>
      this.sim.slash({
        user,
        name: a.command,
        group: a.group,
        subcommand: a.subcommand,
        options: a.options,
        locale: this.localeOf(user),
        channel: a.channel,
        ...(a.where === 'dm' ? { guildId: null } : {}),
      }),
    );
    await this.showInteraction(handle.id, null);
  }

  /** Presses a button of the newest message with buttons that the user (as or the last one named) can see. */
  private async click(a: Extract<Action, { kind: 'click' }>): Promise<void> {
    const user = a.user ?? this.currentUser;
    this.currentUser = user;
    const inServer = (this.roles[user] ?? null) !== null;
    for (const target of this.withButtons.seenBy(user, inServer)) {
      // The message as it is now (it may have been edited since, e.g. buttons disabled on expiry).
      const current = (await this.sim.messages(target.channelId)).find((m) => m.id === target.messageId);
      const buttons = buttonsOf(current?.components ?? []);
      if (buttons.length === 0) continue;
      const choice = chooseButton(buttons, a.target, `"${target.title}" (the newest message ${user} can click)`);
      if (!choice.ok) throw new ActionError(choice.error);
      const { customId } = choice;
      const handle = await this.guard(() =>
        this.sim.click({
          user,
          customId,
          messageOf: { messageId: target.messageId, channelId: target.channelId },
          locale: this.localeOf(user),
        }),
      );
      return this.showInteraction(handle.id, target.messageId);
    }
    throw new ActionError(this.withButtons.nothingFor(user, inServer));
  }

  /** Waits for the bot's final answer (it defers, then edits), lets things settle, and shows it all. */
  private async showInteraction(id: string, clickedMessageId: string | null): Promise<void> {
    const timeoutMs = this.deps.interactionTimeoutMs ?? 12000;
    try {
      await this.sim.call<InteractionView>(
        'GET',
        `/interactions/${id}/wait?until=final&timeoutMs=${timeoutMs}`,
        undefined,
        timeoutMs,
      );
    } catch (error) {
      // 408: no final answer in time; the view below shows where it stands.
      if (!(error instanceof SimError) || error.status !== 408) throw error;
    }
    await this.settle();
    const view = await this.sim.interaction(id);
    this.renderInteraction(view, clickedMessageId);
    await this.collectSideEffects(true);
  }

  private renderInteraction(v: InteractionView, clickedMessageId: string | null): void {
    const ctx = this.context(v.user);
    const shown = renderInteraction(v, clickedMessageId, ctx, this.sim.world.botName);
    for (const line of shown.lines) this.out(line);
    // Ephemeral answers and answers in a DM are the user's alone; others, the server's.
    const only = (m: SimMessage) => m.ephemeral || v.guildId === null;
    for (const m of shown.withButtons) this.remember(m, only(m) ? v.user : null, ctx);
    // As shown now; a later edit (or deletion) is shown with the line during which it happens.
    if (v.original)
      this.interactionMessages.shown(v.original, { user: v.user, private: only(v.original), part: 'reply' });
    for (const f of v.followUps) {
      if (!f.deleted) this.interactionMessages.shown(f, { user: v.user, private: only(f), part: 'follow-up' });
    }
  }

  /** A message shown with buttons: `click` may target it. */
  private remember(m: SimMessage, viewer: string | null, ctx: RenderContext): void {
    const embed = m.embeds[0] as { title?: string } | undefined;
    const text = embed?.title ?? m.content.split('\n')[0] ?? '';
    const title = renderMarkup(text, ctx).trim() || `message ${m.id}`;
    this.withButtons.shown({ messageId: m.id, channelId: m.channel_id, viewer, title });
  }

  // ---------------------------------------------------------------- internal API

  private async post(path: string, body: Record<string, unknown>): Promise<void> {
    this.out(`→ POST ${path} ${JSON.stringify(body)}`);
    let response: Response;
    try {
      response = await fetch(`${this.deps.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.deps.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30000),
      });
    } catch (error) {
      throw new ActionError(`the bot did not answer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: shown as text
    }
    this.out(renderHttp(response.status, parsed));
    await this.afterAction();
  }

  private invoiceFor(user: string, event: string): Record<string, unknown> {
    const invoices: DemoInvoice[] = this.backend.user(this.id(user))?.invoices ?? [];
    const newest = [...invoices].sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
    const wanted = event === 'payment_failed' ? 'open' : 'paid';
    const found = newest.find((i) => i.status === wanted) ?? newest[0];
    if (found) {
      const { invoice_id, amount, currency, status, created, invoice_pdf } = found;
      return { invoice_id, amount, currency, status, created, invoice_pdf };
    }
    // No invoice in the fixtures: a made-up one.
    return {
      invoice_id: `in_sandbox_${++this.seq}`,
      amount: event === 'payment_failed' ? 0 : 999,
      currency: 'eur',
      status: event === 'payment_failed' ? 'open' : 'paid',
      created: new Date().toISOString(),
      invoice_pdf: null,
    };
  }

  // ---------------------------------------------------------------- world

  private async showDms(user: string): Promise<void> {
    const dms = await this.guard(() => this.sim.dmsTo(user));
    const ctx = this.context(user);
    // What the bot sent by itself (answers to slash commands typed in the DM are shown with their command).
    const visible = dms.filter((m) => !m.deleted && m.source === 'channel');
    if (visible.length === 0) this.out(`(no DMs to ${user})`);
    for (const m of visible) {
      for (const line of renderDm(user, m, ctx)) this.out(line);
      this.seenDms.set(m.id, m.edited_timestamp);
      if (buttonsOf(m.components).length > 0) this.remember(m, user, ctx);
    }
  }

  private async showMember(user: string): Promise<void> {
    const roles = await this.rolesOf(user);
    const guild = this.sim.world.guildName;
    if (roles === null) this.out(`${user}: not a member of ${guild}`);
    else this.out(`${user}: ${roles.length ? roles.join(', ') : '(no roles)'} in ${guild}`);
  }

  private async fault(a: Extract<Action, { kind: 'fault' }>): Promise<void> {
    switch (a.fault) {
      case 'dm-closed':
        if (!this.dmClosed.includes(a.user)) this.dmClosed.push(a.user);
        await this.sim.setFaults({ dmClosed: this.dmClosed });
        this.out(`⚠ ${a.user} closed their DMs (sending them a message answers 403 / 50007)`);
        return;
      case 'backend-down':
        this.backend.failWith('*', 503, { detail: 'Application failed to respond' });
        this.out('⚠ the website backend is down (every call answers 503)');
        return;
      case 'clear':
        this.dmClosed = [];
        await this.sim.setFaults({
          dmClosed: [],
          unknownUsers: [],
          unknownMembers: [],
          botMissingPermissions: false,
          http5xx: [],
          latencyMs: 0,
          routeLatency: [],
        });
        this.backend.clearFaults();
        this.out('✓ faults cleared');
        return;
    }
  }

  private help(): void {
    const languages = this.users.map((u) => `${u} ${this.localeOf(u)}`).join(', ');
    for (const line of helpLines(this.commandsCache, this.users)) this.out(line);
    this.out(`Without "as", the last user named: now ${this.currentUser}. Discord languages: ${languages}.`);
  }

  private commandsCache: Awaited<ReturnType<DiscordSim['commands']>> = [];

  /** Refreshes the registered commands (the parser and help use them). */
  async commands(): Promise<Awaited<ReturnType<DiscordSim['commands']>>> {
    this.commandsCache = await this.sim.commands();
    return this.commandsCache;
  }

  // ---------------------------------------------------------------- observing

  private id(user: string): string {
    return this.sim.userId(user);
  }

  /** The user's Discord language: the last `locale` given on one of their lines, else their Discord's. */
  private localeOf(user: string): string {
    return this.locales.get(user) ?? this.sim.world.locales[user] ?? 'en-US';
  }

  /** How things look to `viewer` (dates in their language). */
  private context(viewer: string): RenderContext {
    return contextFromWorld(this.sim.world, Date.now(), this.localeOf(viewer));
  }

  /** Runs a simulator call; its refusals become ActionErrors ("Discord refuses: ..."). */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof SimError) throw new ActionError(`Discord refuses: ${simMessage(error)}`);
      throw error;
    }
  }

  private async afterAction(): Promise<void> {
    await this.settle();
    await this.collectSideEffects(true);
  }

  /** Activity counter: REST calls reaching the simulator plus calls reaching the demo backend. */
  private async activity(): Promise<number> {
    const stats = await this.sim.stats();
    return stats.requests + this.backend.requests().length;
  }

  /** Waits until neither Discord nor the backend has seen a request for `quietMs` (at most `settleMaxMs`). */
  async settle(): Promise<void> {
    const quietMs = this.deps.quietMs ?? 400;
    const deadline = Date.now() + (this.deps.settleMaxMs ?? 5000);
    let last = await this.activity();
    let quietSince = Date.now();
    while (Date.now() < deadline) {
      await sleep(100);
      const now = await this.activity();
      if (now !== last) {
        last = now;
        quietSince = Date.now();
      } else if (Date.now() - quietSince >= quietMs) {
        return;
      }
    }
  }

  private async rolesOf(user: string): Promise<string[] | null> {
    try {
      return (await this.sim.memberRoleNames(user)).filter((r) => r !== 'everyone');
    } catch (error) {
      if (error instanceof SimError && error.status === 404) return null;
      throw error;
    }
  }

  /** New DMs, new messages in the server's channels and role changes since the last call; shown when `show`. */
  private async collectSideEffects(show: boolean): Promise<void> {
    const lines: string[] = [];
    // Interaction messages edited since they were shown: as their user sees them (else the last user named).
    for (const channelId of this.interactionMessages.channels()) {
      for (const change of this.interactionMessages.changes(channelId, await this.sim.messages(channelId))) {
        if (change.deleted) {
          lines.push(changeHeading(change));
          continue;
        }
        const viewer = this.context(change.private ? change.user : this.currentUser);
        lines.push(...renderMessage(changeHeading(change), change.message, viewer));
        if (buttonsOf(change.message.components).length > 0)
          this.remember(change.message, change.private ? change.user : null, viewer);
      }
    }
    for (const user of this.users) {
      const recipient = this.context(user);
      for (const m of await this.sim.dmsTo(user)) {
        if (m.deleted || m.source !== 'channel') continue;
        const seen = this.seenDms.get(m.id);
        if (seen !== undefined && seen === m.edited_timestamp) continue;
        this.seenDms.set(m.id, m.edited_timestamp);
        lines.push(...renderDm(user, m, recipient, seen !== undefined));
        if (buttonsOf(m.components).length > 0) this.remember(m, user, recipient);
      }
    }
    // What the bot posted in the server's channels, as the last user named sees it.
    const ctx = this.context(this.currentUser);
    for (const [name, channelId] of Object.entries(this.sim.world.channels)) {
      for (const m of await this.sim.messages(channelId)) {
        // Interaction answers are shown with their interaction; this is what the bot posted by itself.
        if (m.deleted || m.source !== 'channel') continue;
        const seen = this.seenChannel.get(m.id);
        if (seen !== undefined && seen === m.edited_timestamp) continue;
        this.seenChannel.set(m.id, m.edited_timestamp);
        if (buttonsOf(m.components).length > 0) this.remember(m, null, ctx);
        lines.push(
          ...renderMessage(
            `# ${name}: message from ${m.author.username}${seen !== undefined ? ' (edited)' : ''}`,
            m,
            ctx,
          ),
        );
      }
    }
    const roles: Record<string, string[] | null> = {};
    for (const user of this.users) roles[user] = await this.rolesOf(user);
    const changes = diffRoles(this.roles, roles);
    this.roles = roles;
    if (!show) return;
    for (const line of lines) this.out(line);
    for (const change of changes) this.out(`⚙ ${change}`);
  }
}
