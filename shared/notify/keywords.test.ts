import { describe, expect, it } from 'vitest';
import { smsKeyword } from './keywords';

describe('smsKeyword', () => {
  it.each([
    ['STOP', 'stop'],
    ['stop', 'stop'],
    [' Stop. ', 'stop'],
    ['STOPALL', 'stop'],
    ['Stop all', 'stop'],
    ['unsubscribe', 'stop'],
    ['Cancel', 'stop'],
    ['END', 'stop'],
    ['quit!', 'stop'],
    ['ARRET', 'stop'],
    ['Arrêt', 'stop'],
    ['arrêt !', 'stop'],
    ['Baja', 'stop'],
    ['PARAR', 'stop'],
    ['alto', 'stop'],
    ['Basta!', 'stop'],
    ['STOPP', 'stop'],
    ['Nie', 'stop'],
    ['START', 'start'],
    ['unstop', 'start'],
    ['Yes', 'start'],
    ['ALTA', 'start'],
    ['Inicio', 'start'],
    ['Démarrer', 'start'],
    ['attiva', 'start'],
    ['Tak.', 'start'],
    ['HELP', 'help'],
    ['info', 'help'],
    ['Ayuda', 'help'],
  ])('when the whole message is "%s", then it is %s', (body, keyword) => {
    expect(smsKeyword(body)).toBe(keyword);
  });

  it.each(['STOP PLEASE', 'Please cancel', 'No, arrêt', 'STOP2', 'stopper', 'Gracias', '', '   ', '¿?'])(
    'when the message "%s" is more or other than a keyword, then it is none',
    (body) => {
      expect(smsKeyword(body)).toBeUndefined();
    },
  );
});
