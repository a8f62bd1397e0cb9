export { buildEvent, type BuildOptions } from './build';
export { fromHttp, toHttpBinary, type HeaderMap } from './http';
export { fromKafkaRecord, headerStrings, toKafkaRecord, type KafkaRecord, type RecordHeaders } from './kafka';
export { CloudEvent } from 'cloudevents';
