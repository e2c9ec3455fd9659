"""Month-end batch over millions of accounts (docs/batch.md, ADR 0006): the parts that touch
files, columns and the database.

Database → Arrow/Parquet partitions by account (``export``) or synthetic partitions
(``generate``) → one vectorised partition function (``kernel``) run in-process or on a
``dask.distributed`` cluster (``runner``) → deterministic Parquet results; ``store`` writes
the results into the database's month-end tables. The job that strings these together and
posts the late charges through the ledger service is ``tashilat.jobs.month_end``.
"""
