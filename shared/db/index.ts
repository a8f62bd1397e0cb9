export { classifyDbError, createPool, isUniqueViolation, type Db, type DbClient, type Queryable } from './pool';
export { withTransaction } from './transaction';
export { databaseConfigSchema, poolFromConfig } from './config';
