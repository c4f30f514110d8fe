-- PostgreSQL states were never kept by the `schema_version` migrations, so there is no older
-- skydd to fence out (see ../sqlite/004_schema_version_fence.sql); this keeps the versions of
-- both folders the same.
SELECT 1;
