// Dates of saved conversations: the sidebar's groups (relative to local midnight, so "Today"
// means the calendar day, not the last 24 hours) and the short relative dates of search results.

/**
 * @typedef {"pinned" | "today" | "yesterday" | "week" | "month" | "older"} GroupKey
 * @typedef {{key: GroupKey, label: string}} Group
 */

/** In the order they appear in the sidebar. @type {Group[]} */
export const GROUPS = [
  { key: 'pinned', label: 'Pinned' },
  { key: 'today', label: 'Today' },
  { key: 'yesterday', label: 'Yesterday' },
  { key: 'week', label: 'Last 7 days' },
  { key: 'month', label: 'Last 30 days' },
  { key: 'older', label: 'Older' },
];

/**
 * Local midnight at the start of the day of `ms`.
 * @param {number} ms
 */
export function midnight(ms) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * Local midnight `days` calendar days before the midnight `start` (DST-safe).
 * @param {number} start
 * @param {number} days
 */
function daysBefore(start, days) {
  const d = new Date(start);
  d.setDate(d.getDate() - days);
  return d.getTime();
}

/**
 * @param {{pinned: boolean, updatedAt: number}} summary
 * @param {number} now
 * @returns {GroupKey}
 */
export function groupOf(summary, now) {
  if (summary.pinned) return 'pinned';
  const today = midnight(now);
  const t = summary.updatedAt;
  if (t >= today) return 'today';
  if (t >= daysBefore(today, 1)) return 'yesterday';
  if (t >= daysBefore(today, 7)) return 'week';
  if (t >= daysBefore(today, 30)) return 'month';
  return 'older';
}

/**
 * Milliseconds until the next local midnight (when the groups shift).
 * @param {number} now
 */
export function untilMidnight(now) {
  const d = new Date(midnight(now));
  d.setDate(d.getDate() + 1);
  return d.getTime() - now;
}

/**
 * "14:05" today, "Yesterday", "Mon" this week, "12 Mar" this year, "12 Mar 2024" before.
 * @param {number} ms
 * @param {number} now
 */
export function relativeDate(ms, now) {
  const today = midnight(now);
  const date = new Date(ms);
  if (ms >= today) return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (ms >= daysBefore(today, 1)) return 'Yesterday';
  if (ms >= daysBefore(today, 6)) return date.toLocaleDateString(undefined, { weekday: 'short' });
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleDateString(undefined, sameYear ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'short', year: 'numeric' });
}

/** The full date and time, for a tooltip. @param {number} ms */
export function fullDate(ms) {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
