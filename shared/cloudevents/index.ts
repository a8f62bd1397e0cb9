export { buildEvent, type BuildOptions } from './build';
export { fromHttp, toHttpBinary, type HeaderMap } from './http';
export { fromKafkaRecord, toKafkaRecord, type KafkaRecord } from './kafka';
export { CloudEvent } from 'cloudevents';
