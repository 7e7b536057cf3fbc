/** What a link can move to a thread instead of copying it: the transfer list's item type. */
import type { TransferListItem } from 'node:worker_threads';

/** Objects that can be moved to a thread instead of copied (ArrayBuffer, MessagePort, …). */
export type Transferable = TransferListItem;
