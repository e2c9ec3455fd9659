"""Month-end batch over millions of accounts (issue 7, docs/batch.md, ADR 0006).

Database → Arrow/Parquet partitions by account (``export``) or synthetic partitions
(``generate``) → one vectorised partition function (``kernel``) run in-process or on a
``dask.distributed`` cluster (``runner``) → deterministic Parquet results, results written
back to the database and late-payment charges posted once (``writeback``).
"""
