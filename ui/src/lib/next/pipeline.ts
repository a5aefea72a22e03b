// Pipeline rules the screens need, mirroring core/src/model/next_move.rs.

import { daysBetween } from '../dates';
import type { PipelineItem } from '../types';

/** An open item whose stage has not moved for this many days asks for a follow-up. */
export const STALE_AFTER_DAYS = 14;

/** Same rule as `PipelineItem::needs_follow_up`. */
export function needsFollowUp(item: PipelineItem, today: string): boolean {
  if (item.stage === 'closed') return false;
  if (item.follow_up_on && item.follow_up_on <= today) return true;
  return item.stage !== 'offer' && daysBetween(item.stage_changed_on, today) >= STALE_AFTER_DAYS;
}

export function followUpReason(item: PipelineItem, today: string): string {
  if (item.follow_up_on && item.follow_up_on <= today) return `follow-up due ${item.follow_up_on}`;
  return `no movement for ${daysBetween(item.stage_changed_on, today)} days`;
}
