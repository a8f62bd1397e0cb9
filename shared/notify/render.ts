import IntlMessageFormat from 'intl-messageformat';

type MessageFormatElement = ReturnType<IntlMessageFormat['getAst']>[number];

export type Channel = 'sms' | 'email';
export type Locale = 'es' | 'fr' | 'it' | 'pl';
export type TemplateParameters = Record<string, string | number | boolean>;

/** One version of a template (notify.templates), in ICU MessageFormat. */
export interface TemplateText {
  templateId: string;
  channel: Channel;
  locale: Locale;
  /** Email only. */
  subject?: string | null;
  bodyText: string;
  /** Email only; without it the HTML part is the text in the shared layout. */
  bodyHtml?: string | null;
}

export interface RenderedMessage {
  subject?: string;
  text: string;
  html?: string;
}

/** A template that cannot be rendered with the request's parameters: never sent half-filled. */
export class TemplateRenderError extends Error {
  constructor(
    readonly templateId: string,
    readonly locale: Locale,
    /** The parameter the template names and the request lacks, when that is the cause. */
    readonly parameter: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/**
 * Renders a template with a request's parameters (shared/notify/parameters.ts templateValues) in the
 * template's locale: plurals, selects, `{amount, number, ::currency/EUR}`, `{day, date, long}`
 * and `{at, time, short}` formatted per locale, instants in `timeZone` (the recipient's; else the
 * request's `timeZone` parameter; else UTC). Calendar days (YYYY-MM-DD) stay the day they are.
 * A parameter the template names and the request lacks throws TemplateRenderError naming it.
 */
export function renderTemplate(template: TemplateText, parameters: TemplateParameters, options: { timeZone?: string } = {}): RenderedMessage {
  const values = withDates(template, parameters);
  const formats = formatsIn(options.timeZone ?? (typeof parameters.timeZone === 'string' ? parameters.timeZone : 'UTC'));
  const format = (part: string, source: string, escape?: (s: string) => string) => {
    const input = escape ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? escape(v) : v])) : values;
    try {
      return String(new IntlMessageFormat(source, template.locale, formats, { ignoreTag: true }).format(input));
    } catch (error) {
      const missing = /"([^"]+)" was not provided/.exec((error as Error).message)?.[1];
      throw new TemplateRenderError(
        template.templateId,
        template.locale,
        missing,
        missing
          ? `template ${template.templateId} (${template.channel}, ${template.locale}) ${part}: parameter ${missing} is missing`
          : `template ${template.templateId} (${template.channel}, ${template.locale}) ${part}: ${(error as Error).message}`,
      );
    }
  };
  const text = format('text', template.bodyText);
  if (template.channel === 'sms') return { text };
  const subject = format('subject', template.subject ?? '');
  const html = template.bodyHtml ? format('html', template.bodyHtml, escapeHtml) : layout(subject, text);
  return { subject, text, html };
}

/** The parameter names a template's text uses (every part), read from its ICU syntax tree. */
export function templateParameters(source: string): Set<string> {
  const names = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const el of elements) {
      if ('value' in el && typeof el.value === 'string' && (el.type as number) !== 0 /* TYPE.literal: its value is text */) names.add(el.value);
      if ('options' in el && el.options)
        for (const option of Object.values(el.options as Record<string, { value: MessageFormatElement[] }>)) walk(option.value);
      if ('children' in el && Array.isArray(el.children)) walk(el.children);
    }
  };
  walk(new IntlMessageFormat(source, 'en', undefined, { ignoreTag: true }).getAst());
  return names;
}

/** Date and time styles in the recipient's time zone (calendar dates are noon UTC: the same day in Europe). */
function formatsIn(timeZone: string) {
  return {
    date: {
      short: { day: 'numeric', month: 'numeric', year: '2-digit', timeZone },
      medium: { day: 'numeric', month: 'short', year: 'numeric', timeZone },
      long: { day: 'numeric', month: 'long', year: 'numeric', timeZone },
      full: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone },
    },
    time: {
      short: { hour: 'numeric', minute: 'numeric', timeZone },
      medium: { hour: 'numeric', minute: 'numeric', second: 'numeric', timeZone },
    },
  } as const;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/;

/** Parameters the template formats as dates ({x, date, ...}) given as ISO text become Dates. */
function withDates(template: TemplateText, parameters: TemplateParameters): Record<string, string | number | boolean | Date> {
  const sources = [template.subject ?? '', template.bodyText, template.bodyHtml ?? ''].join('\n');
  return Object.fromEntries(
    Object.entries(parameters).map(([name, value]) => {
      const asDate = typeof value === 'string' && ISO_DATE.test(value) && new RegExp(`\\{\\s*${name}\\s*,\\s*(date|time)`).test(sources);
      return [name, asDate ? new Date(value.length === 10 ? `${value}T12:00:00Z` : value) : value];
    }),
  );
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The HTML part of an email without its own: the text, escaped, in paragraphs, its links clickable. */
export function layout(subject: string, text: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) =>
      escapeHtml(p)
        .replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
        .replace(/\n/g, '<br>'),
    )
    .map((p) => `<p>${p}</p>`)
    .join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>\n<body style="font-family: sans-serif; line-height: 1.5">\n${paragraphs}\n</body></html>`;
}
