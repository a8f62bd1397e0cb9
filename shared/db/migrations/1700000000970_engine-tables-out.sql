-- Up Migration
-- The embedded workflow engine's tables left the production schema (they now live in schema
-- `engine`, created by mesh/engine/migrations, on local meshes only). A database that ran the
-- earlier migration 400 still has them here: they are dropped. Their instances were serialised
-- by the former engine (bpmn-engine) and cannot be resumed by the current one.
DROP TABLE IF EXISTS platform.workflow_incidents;
DROP TABLE IF EXISTS platform.workflow_user_tasks;
DROP TABLE IF EXISTS platform.workflow_messages;
DROP TABLE IF EXISTS platform.workflow_instances;
DROP TABLE IF EXISTS platform.workflow_definitions;
DROP SEQUENCE IF EXISTS platform.workflow_keys;

-- Down Migration
-- Nothing to restore: the tables belong to mesh/engine/migrations.
SELECT 1;
