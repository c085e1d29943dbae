import { z } from 'zod';
import { Actor } from '../common/actor';
import { defineCommand } from '../common/command';
import { ListMailQuery, MailPage } from './rest';

/** The queue the notifications service consumes its commands from. */
export const NOTIFICATIONS_QUEUE = 'notifications.commands';

/** Message patterns of the notifications service's commands (imperative names). */
export const NotificationsCommand = {
  ListMail: 'notifications.list-mail',
} as const;

export const ListMailCommand = z.object({ actor: Actor, query: ListMailQuery });
export type ListMailCommand = z.infer<typeof ListMailCommand>;

/** The mail log, newest first (ADMIN). */
export const ListMail = defineCommand({
  queue: NOTIFICATIONS_QUEUE,
  pattern: NotificationsCommand.ListMail,
  input: ListMailCommand,
  output: MailPage,
  retrySafe: true,
});

export const NOTIFICATIONS_COMMANDS = [ListMail] as const;
