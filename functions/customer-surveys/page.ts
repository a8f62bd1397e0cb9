import type { NotifyLocale } from '../../events';
import { BytesAnswer } from '../../shared/http/route';

/** The survey page's words, in the order's language. */
const TEXTS: Record<NotifyLocale, { title: string; ask: string; rating: string; comment: string; send: string; thanks: string; answered: string }> = {
  es: {
    title: 'Su opinión',
    ask: '¿Qué le ha parecido la instalación de su pedido {ref}?',
    rating: 'Su valoración (1 = muy mala, 5 = excelente)',
    comment: 'Comentario (opcional)',
    send: 'Enviar',
    thanks: '¡Gracias por su opinión!',
    answered: 'Ya ha respondido a esta encuesta. ¡Gracias!',
  },
  fr: {
    title: 'Votre avis',
    ask: 'Comment s’est passée l’installation de votre commande {ref} ?',
    rating: 'Votre note (1 = très mauvais, 5 = excellent)',
    comment: 'Commentaire (facultatif)',
    send: 'Envoyer',
    thanks: 'Merci pour votre avis !',
    answered: 'Vous avez déjà répondu à cette enquête. Merci !',
  },
  it: {
    title: 'La Sua opinione',
    ask: 'Com’è andata l’installazione dell’ordine {ref}?',
    rating: 'Il Suo voto (1 = pessimo, 5 = eccellente)',
    comment: 'Commento (facoltativo)',
    send: 'Invia',
    thanks: 'Grazie per la Sua opinione!',
    answered: 'Ha già risposto a questo questionario. Grazie!',
  },
  pl: {
    title: 'Państwa opinia',
    ask: 'Jak oceniają Państwo montaż w ramach zamówienia {ref}?',
    rating: 'Ocena (1 = bardzo źle, 5 = doskonale)',
    comment: 'Komentarz (opcjonalnie)',
    send: 'Wyślij',
    thanks: 'Dziękujemy za opinię!',
    answered: 'Ta ankieta została już wypełniona. Dziękujemy!',
  },
};

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The page a GET of the link shows: the question, 1–5 and a comment, sent as JSON to the same
 * URL (a mail scanner that fetches the link answers nothing); or, once answered, the thanks.
 */
export function surveyPage(locale: NotifyLocale, orderReference: string, state: 'ask' | 'answered'): BytesAnswer {
  const t = TEXTS[locale];
  const options = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="rating" value="${n}" required> ${n}</label>`).join(' ');
  const content =
    state === 'answered'
      ? `<p>${escapeHtml(t.answered)}</p>`
      : `<p>${escapeHtml(t.ask.replace('{ref}', orderReference))}</p>
<form id="survey"><fieldset><legend>${escapeHtml(t.rating)}</legend>${options}</fieldset>
<p><label>${escapeHtml(t.comment)}<br><textarea name="comment" maxlength="2000" rows="4" cols="40"></textarea></label></p>
<button type="submit">${escapeHtml(t.send)}</button></form>
<script>
document.getElementById('survey').addEventListener('submit', async (e) => {
  e.preventDefault();
  const f = new FormData(e.target);
  const body = { rating: Number(f.get('rating')) };
  if (f.get('comment')) body.comment = String(f.get('comment'));
  const r = await fetch(location.href, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  e.target.outerHTML = '<p>' + (r.ok ? ${JSON.stringify(escapeHtml(t.thanks))} : ${JSON.stringify(escapeHtml(t.answered))}) + '</p>';
});
</script>`;
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(t.title)}</title></head><body style="font-family: sans-serif"><h1>${escapeHtml(t.title)}</h1>${content}</body></html>`;
  return new BytesAnswer(Buffer.from(html, 'utf8'), 'text/html; charset=utf-8');
}
