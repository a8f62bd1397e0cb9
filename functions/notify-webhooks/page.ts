import { BytesAnswer } from '../../shared/http/route';

/** The unsubscribe page's words, per language of the message (its locale's language; English otherwise). */
const TEXTS = {
  en: {
    title: 'Unsubscribe',
    ask: 'Stop receiving reminders and surveys by email? Messages about your service itself (appointments, contracts) will still be sent.',
    button: 'Unsubscribe',
    done: 'You are unsubscribed: no more reminders or surveys by email.',
  },
  es: {
    title: 'Darse de baja',
    ask: '¿Dejar de recibir recordatorios y encuestas por correo? Seguirá recibiendo los mensajes sobre su servicio (citas, contratos).',
    button: 'Darme de baja',
    done: 'Se ha dado de baja: no recibirá más recordatorios ni encuestas por correo.',
  },
  fr: {
    title: 'Se désabonner',
    ask: 'Ne plus recevoir de rappels ni d’enquêtes par e-mail ? Les messages sur votre prestation (rendez-vous, contrats) vous seront toujours envoyés.',
    button: 'Me désabonner',
    done: 'Vous êtes désabonné : plus de rappels ni d’enquêtes par e-mail.',
  },
  it: {
    title: 'Annulla iscrizione',
    ask: 'Non ricevere più promemoria e sondaggi via e-mail? I messaggi sul suo servizio (appuntamenti, contratti) continueranno ad arrivare.',
    button: 'Annulla iscrizione',
    done: 'Iscrizione annullata: niente più promemoria né sondaggi via e-mail.',
  },
  pl: {
    title: 'Wypisz się',
    ask: 'Nie otrzymywać więcej przypomnień i ankiet e-mailem? Wiadomości dotyczące usługi (wizyty, umowy) nadal będą wysyłane.',
    button: 'Wypisz mnie',
    done: 'Wypisano: nie otrzymasz więcej przypomnień ani ankiet e-mailem.',
  },
} as const;

type Language = keyof typeof TEXTS;

const languageOf = (locale: string): Language => {
  const language = locale.slice(0, 2).toLowerCase();
  return Object.hasOwn(TEXTS, language) ? (language as Language) : 'en';
};

/**
 * The page a GET of the link shows: a question and a button that POSTs back to the same URL
 * (mail scanners fetch links; only the POST unsubscribes), or, after the POST, the confirmation.
 */
export function unsubscribePage(locale: string, state: 'ask' | 'done'): BytesAnswer {
  const language = languageOf(locale);
  const t = TEXTS[language];
  const content =
    state === 'ask'
      ? `<p>${t.ask}</p><form method="post" action=""><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${t.button}</button></form>`
      : `<p>${t.done}</p>`;
  const html = `<!doctype html><html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${t.title}</title></head><body><h1>${t.title}</h1>${content}</body></html>`;
  return new BytesAnswer(Buffer.from(html, 'utf8'), 'text/html; charset=utf-8');
}
