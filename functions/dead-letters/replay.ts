import { eventByTopic, eventByType, type EventDefinition } from '../../events';
import { ConflictError, NotFoundError, issuesFromZod } from '../../shared/errors';
import { KAFKA_SOURCE_TYPE } from '../../shared/event-function';
import type { WriteContext } from '../../shared/http';

interface LetterRow {
  event_source: string;
  event_type: string;
  data: unknown;
  replayed_at: Date | null;
}

/**
 * Publishes a dead-lettered event again, once its cause is fixed: a new event of the same
 * type and data, through the outbox, to the topic its type belongs to. Each letter is replayed
 * at most once, and only while its data still matches the catalog (a malformed event would
 * only come back).
 */
export async function replay({ tx, outbox }: WriteContext, letterId: number) {
  const { rows } = await tx.query<LetterRow>('SELECT event_source, event_type, data, replayed_at FROM platform.dead_letters WHERE id = $1 FOR UPDATE', [
    letterId,
  ]);
  const letter = rows[0];
  if (!letter) throw new NotFoundError(`dead letter ${letterId} not found`);
  if (letter.replayed_at) throw new ConflictError(`dead letter ${letterId} was replayed already`, 'already-replayed');
  const definition = definitionOf(letter);
  if (!definition) {
    throw new ConflictError(`"${letter.event_type}" is not an event of the catalog: it cannot be replayed`, 'not-replayable');
  }
  const parsed = definition.data.safeParse(letter.data);
  if (!parsed.success) {
    const problems = issuesFromZod(parsed.error, 'data')
      .map((i) => `${i.field}: ${i.message}`)
      .join('; ');
    throw new ConflictError(`the event is still invalid (${problems}): fix it at its source instead`, 'still-invalid');
  }
  const eventId = await outbox.add(definition, parsed.data);
  await tx.query('UPDATE platform.dead_letters SET replayed_at = NOW(), replayed_as = $2 WHERE id = $1', [letterId, eventId]);
  return { replayedAs: eventId, topic: definition.topic, type: definition.type };
}

/** The catalog event of a letter: by its type, or by its topic for a record a KafkaSource wrapped. */
function definitionOf(letter: LetterRow): EventDefinition | undefined {
  if (letter.event_type === KAFKA_SOURCE_TYPE) return eventByTopic(letter.event_source.split('#')[1] ?? '');
  return eventByType(letter.event_type);
}
