/**
 * The two duration syntaxes Knative uses, parsed to milliseconds:
 * - Go durations in Serving annotations (`0s`, `90s`, `1m30s`, `1h`);
 * - ISO-8601 durations in Eventing delivery specs (`PT0.3S`, `PT2S`, `PT1M`, `P1DT2H`).
 * Both return `undefined` for text that is not a duration; callers name the field in their error.
 */

const GO_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const GO_DURATION = /^(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h)/;

/** Go's `time.ParseDuration`, unsigned: `0`, `300ms`, `5m`, `1h30m`. */
export function parseGoDurationMs(text: string): number | undefined {
  if (text === '0') return 0;
  let rest = text;
  let total = 0;
  if (rest === '') return undefined;
  while (rest !== '') {
    const match = GO_DURATION.exec(rest);
    if (!match) return undefined;
    const token = match[0];
    const unit = /(ns|us|µs|ms|s|m|h)$/.exec(token)?.[0] ?? '';
    total += Number(token.slice(0, token.length - unit.length)) * (GO_UNITS_MS[unit] ?? Number.NaN);
    rest = rest.slice(token.length);
  }
  return Number.isFinite(total) ? total : undefined;
}

/** ISO 8601 durations (Eventing delivery specs) are parsed as the workflows parse them. */
export { parseIsoDurationMs } from '../shared/workflow/duration';
