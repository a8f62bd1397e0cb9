import { formatMicros, type CostRow } from './present';
import type { Period } from './schema';

/** Micro-units of one currency, split by who priced them. */
interface Money {
  provider: bigint;
  tariff: bigint;
}

interface ChannelTally {
  channel: string;
  sent: number;
  failed: number;
  suppressed: number;
  segments: number;
  costs: Map<string, Money>;
}

interface Group {
  country: string;
  businessUnit: { code: string; name: string } | null;
  month: string;
  channels: Map<string, ChannelTally>;
}

const addCost = (costs: Map<string, Money>, r: CostRow) => {
  if (!r.cost_currency || !r.cost_source) return;
  const money = costs.get(r.cost_currency) ?? { provider: 0n, tariff: 0n };
  money[r.cost_source] += BigInt(r.cost_micros);
  costs.set(r.cost_currency, money);
};

const presentCosts = (costs: Map<string, Money>) =>
  [...costs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, m]) => ({ currency, amount: formatMicros(m.provider + m.tariff), provider: formatMicros(m.provider), tariff: formatMicros(m.tariff) }));

/**
 * The cost report from its groups (queries.ts costRows, in report order): per country, business
 * unit and month, each channel's messages sent (then delivered or not), failed and suppressed,
 * its SMS segments and its cost per currency — the amount, and how much of it the provider
 * priced and how much the country's tariff did; then the totals per currency. Amounts are
 * decimal strings in the currency's major unit (formatMicros).
 */
export function costReport(period: Period, rows: CostRow[]) {
  const groups = new Map<string, Group>();
  const totals = new Map<string, Money>();
  for (const r of rows) {
    const key = `${r.country_code}|${r.business_unit_code ?? ''}|${r.month}`;
    const group = groups.get(key) ?? {
      country: r.country_code,
      businessUnit: r.business_unit_code ? { code: r.business_unit_code, name: r.business_unit_name ?? r.business_unit_code } : null,
      month: r.month,
      channels: new Map<string, ChannelTally>(),
    };
    groups.set(key, group);
    const tally = group.channels.get(r.channel) ?? { channel: r.channel, sent: 0, failed: 0, suppressed: 0, segments: 0, costs: new Map<string, Money>() };
    group.channels.set(r.channel, tally);
    tally.sent += r.sent;
    tally.failed += r.failed;
    tally.suppressed += r.suppressed;
    tally.segments += r.segments;
    addCost(tally.costs, r);
    addCost(totals, r);
  }
  return {
    from: period.from,
    to: period.to,
    items: [...groups.values()].map((g) => ({
      country: g.country,
      businessUnit: g.businessUnit,
      month: g.month,
      channels: [...g.channels.values()].map((t) => ({
        channel: t.channel,
        sent: t.sent,
        failed: t.failed,
        suppressed: t.suppressed,
        segments: t.channel === 'sms' ? t.segments : null,
        costs: presentCosts(t.costs),
      })),
    })),
    totals: presentCosts(totals),
  };
}
