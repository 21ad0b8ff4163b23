-- The process group an execution's step runs in, recorded when its process starts, so that
-- `kiln resume` after an orchestrator crash can kill a step that outlived it before running the
-- execution again. NULL for in-process steps and for stores written before this version.
ALTER TABLE executions ADD COLUMN process_group BIGINT;
