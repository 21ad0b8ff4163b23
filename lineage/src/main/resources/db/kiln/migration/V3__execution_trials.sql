-- A node of type task has many executions: the task's own execution (trial 0, as every node's
-- execution is) and its trials (trial 1, 2, ...), each pointing at the task's execution. Stores
-- written before this version read unchanged: every execution there is a node's (trial 0, no
-- parent).
ALTER TABLE executions ADD COLUMN parent_id VARCHAR(64);
ALTER TABLE executions ADD COLUMN trial INTEGER DEFAULT 0 NOT NULL;
ALTER TABLE executions DROP CONSTRAINT executions_run_node_uq;
ALTER TABLE executions ADD CONSTRAINT executions_run_node_trial_uq UNIQUE (run_id, node_name, trial);
ALTER TABLE executions ADD CONSTRAINT executions_parent_fk
    FOREIGN KEY (parent_id) REFERENCES executions (id);
CREATE INDEX executions_parent_idx ON executions (parent_id, trial);

-- What a task execution searches (the tuning spec as JSON, as the orchestrator wrote it) and,
-- once known, its best trial: the execution whose outputs the task's edges carry.
CREATE TABLE tuning_jobs (
    execution_id      VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES executions (id),
    spec_json         VARCHAR     NOT NULL,
    best_execution_id VARCHAR(64) REFERENCES executions (id)
);
