/**
 * What an inbound SMS asks, when the whole message is one keyword: 'stop' (opt out of every SMS),
 * 'start' (opt back in) or 'help'. Anything else ("STOP PLEASE", "No, arret") is not a keyword,
 * as carriers and Twilio read them. Compared without case, accents, punctuation or spaces
 * ("Arrêt !", "stop.", "Stop all" all match).
 *
 * Twilio's defaults (Advanced Opt-Out of a Messaging Service, and plain numbers): opt-out STOP,
 * STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT; opt-in START, UNSTOP, YES; help HELP,
 * INFO. The localised words are the ones configured in the Messaging Service's Advanced Opt-Out
 * for the countries served; Twilio answers each keyword itself, so this function never replies.
 * Every language is matched whatever the recipient's locale: the keyword alone says what is asked.
 */
export type SmsKeyword = 'stop' | 'start' | 'help';

const KEYWORDS: Record<string, Partial<Record<SmsKeyword, readonly string[]>>> = {
  en: {
    stop: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
    start: ['START', 'UNSTOP', 'YES'],
    help: ['HELP', 'INFO'],
  },
  fr: { stop: ['ARRET'], start: ['DEMARRER'], help: ['AIDE'] },
  es: { stop: ['BAJA', 'PARAR', 'ALTO', 'BASTA'], start: ['ALTA', 'INICIO'], help: ['AYUDA'] },
  it: { stop: ['BASTA'], start: ['ATTIVA'], help: ['AIUTO'] },
  pl: { stop: ['NIE'], start: ['TAK'], help: ['POMOC'] },
  // German / Scandinavian recipients roaming in.
  de: { stop: ['STOPP'] },
};

const LOOKUP = new Map<string, SmsKeyword>(
  Object.values(KEYWORDS).flatMap((words) =>
    (Object.entries(words) as [SmsKeyword, readonly string[]][]).flatMap(([keyword, list]) => list.map((word) => [word, keyword] as const)),
  ),
);

/** The keyword an inbound SMS body is, or undefined. */
export function smsKeyword(body: string): SmsKeyword | undefined {
  return LOOKUP.get(normalise(body));
}

/** Upper case, accents dropped (Arrêt → ARRET), everything but letters and digits removed. */
function normalise(body: string): string {
  return body
    .trim()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
