"""Survey exports in, a cohort out: the schema, the table reader, the template, org charts."""
