const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration in the largest units that matter to an admin: "2 d 3 h", "5 h 12 min", "40 min".
 * @param {number} ms
 */
export function duration(ms) {
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${Math.max(minutes, 1)} min`;
}

/**
 * How long until a deadline, or since it passed: what an admin acts on, rather than the timestamp.
 * @param {string | null} iso
 * @param {number} [now]
 */
export function timeLeft(iso, now = Date.now()) {
  if (!iso) return null;
  const left = Date.parse(iso) - now;
  return left > 0 ? `${duration(left)} left` : `ended ${duration(-left)} ago`;
}

/** @param {string | null} iso */
export function isFuture(iso, now = Date.now()) {
  return iso !== null && Date.parse(iso) > now;
}

/**
 * A timestamp in UTC, as the service stores it, without seconds' fractions.
 * @param {string | null} iso
 */
export function when(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '—';
}

/** A contact id shortened for display; the full id stays in the element's title. */
export const shortId = (id) => (id ? id.slice(0, 8) : '—');

/** @param {number} value */
export const count = (value) => new Intl.NumberFormat('en').format(value);
